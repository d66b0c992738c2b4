/**
 * The agent's client, used by the console: sign-in that never sends the password, this browser's
 * device keys registered with the relay, the organisation keys opened from their password-encrypted
 * backup inside the worker, the signed device directory (approve, revoke), and every conversation
 * of the site decrypted into threads.
 */
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals-core';
import type { ConnectionStatus } from './connection.ts';
import { KDF_ITERATIONS } from './crypto/backup.ts';
import { directoryNeedsRenewal, orgFingerprint } from './crypto/directory.ts';
import { randomBytes, toBase64Url } from './crypto/encoding.ts';
import type { DeviceInfo } from './crypto/service.ts';
import { ConfigError, ConnectionError, ThreadlineError } from './errors.ts';
import type { FileRef } from './file-ref.ts';
import { openFile, sendFile } from './files.ts';
import { request } from './http.ts';
import { relayUrl, socketUrl, type RelayOptions } from './options.ts';
import { CHANNEL_NAMES, parseConversations, parseRelayFrame, type AgentRole, type Audience, type Channel, type AgentSession, type ConversationSummary, type DeviceRecord, type Directory, type PreLogin, type PrekeyBundleWire, type SiteConfig, type TeamMember } from './protocol.ts';
import { CatchUp } from './catch-up.ts';
import { createSavedReplies, type SavedReply } from './saved-replies.ts';
import { recipients, Sync, type Route } from './sync.ts';
import type { ChatMessage } from './thread.ts';
import type { AgentCryptoService } from './crypto/agent-service.ts';
import type { Remote } from './rpc.ts';
import { call, startWorker } from './worker-client.ts';

export type { Channel, ChannelState, ConversationStatus, ConversationSummary, DeviceRecord, DeviceStatus, TeamMember } from './protocol.ts';
export { CHANNEL_NAMES, CHANNELS, WHATSAPP_CODE } from './protocol.ts';
export { replyWindow, type ReplyWindow } from './reply-window.ts';
export { workState, type WorkState } from './conversation-status.ts';
export type { ChatMessage, MessageStatus, Rating } from './thread.ts';
export { MAX_SAVED_REPLY_LENGTH, type SavedReply } from './saved-replies.ts';
export { tokenize, type Token } from './format.ts';
export { fileSize, playable, previewed, type FileRef } from './file-ref.ts';
export type { ConnectionStatus } from './connection.ts';
export { ThreadlineError, ConfigError, ConnectionError, CryptoError, ProtocolError, StorageError } from './errors.ts';

export interface Agent {
  email: string;
  name: string;
  site: string;
  role: AgentRole;
  deviceId: string;
  /** Whether this device is in the organisation's signed directory (it can read new messages). */
  approved: boolean;
  /** Whether this device holds the organisation keys (admin: approve and revoke devices). */
  holdsOrgKeys: boolean;
  /** The organisation key fingerprint to pin in the script tag (`data-org-key`). */
  orgFingerprint: string | null;
}

export interface AgentClient {
  readonly agent: ReadonlySignal<Agent | null>;
  readonly status: ReadonlySignal<ConnectionStatus>;
  readonly error: ReadonlySignal<ThreadlineError | null>;
  /** The site's conversations, most recent activity first. */
  readonly conversations: ReadonlySignal<readonly ConversationSummary[]>;
  /** The site's agent devices (refresh with `loadDevices`). */
  readonly devices: ReadonlySignal<readonly DeviceRecord[]>;
  signIn(email: string, password: string): Promise<void>;
  /** Sets the password of an invited agent, then signs in. */
  acceptInvite(code: string, password: string): Promise<void>;
  /** Signs back in from this tab's session after a reload; false when there is none. */
  resume(): Promise<boolean>;
  signOut(): Promise<void>;
  messages(conversationId: string): ReadonlySignal<readonly ChatMessage[]>;
  /** Whether the conversation's customer is typing, and how far they have read (a sequence number). */
  visitorTyping(conversationId: string): ReadonlySignal<boolean>;
  readByVisitor(conversationId: string): ReadonlySignal<number>;
  /** How far the team has read (any agent): messages after it are unread. */
  readByAgents(conversationId: string): ReadonlySignal<number>;
  /** The conversation on screen (null: none): it is caught up, and its messages decrypted, before the rest of the inbox. */
  show(conversationId: string | null): void;
  /** Call as the agent types in a conversation (throttled); `markRead` while it is shown. */
  typing(conversationId: string): void;
  markRead(conversationId: string): void;
  /** Sends a reply; `via` a messenger sends it there too (the relay then sees that text). */
  reply(conversationId: string, text: string, via?: Channel): Promise<ChatMessage>;
  /** Writes an internal note: encrypted to the team's devices and the inbox key only, never to the visitor or a messenger. */
  note(conversationId: string, text: string): Promise<ChatMessage>;
  /** The team's saved replies (loaded on connecting, and again whenever an agent saves them). */
  readonly savedReplies: ReadonlySignal<readonly SavedReply[]>;
  /** Why the saved replies could not be loaded or opened, or null. */
  readonly savedRepliesProblem: ReadonlySignal<string | null>;
  /** Saves the whole list of saved replies (add, edit and delete are each a new list); `conflict` when another agent saved first (their list is then shown). */
  saveReplies(replies: readonly SavedReply[]): Promise<void>;
  /** Shows conversation `from` as part of `into` from now on (same customer, two threads). */
  merge(from: string, into: string): Promise<void>;
  /** Closes, snoozes (until a time, ms since 1970) or reopens a conversation; a new message reopens it too. */
  setStatus(conversationId: string, status: 'open' | 'closed' | 'snoozed', until?: number): Promise<void>;
  /** Gives the conversation to an agent of the team (an id from `team()`), or to nobody. */
  assign(conversationId: string, agentId: string | null): Promise<void>;
  /** The site's agents. */
  team(): Promise<TeamMember[]>;
  /** Sends a file into the thread; with `via`, first out to the customer on that messenger. */
  sendFile(conversationId: string, file: Blob & { name?: string }, onProgress?: (fraction: number) => void, via?: Channel): Promise<ChatMessage>;
  openFile(conversationId: string, file: FileRef): Promise<Blob>;
  /** The safety number shared with a conversation's visitor. */
  safetyNumber(conversationId: string): Promise<string>;
  loadDevices(): Promise<void>;
  /**
   * The 12-digit approval code: of this device (shown while it waits for approval), or computed from
   * the keys the relay reports for a listed device. An admin approves a device by typing the code
   * the new device shows; `approve` refuses a code that does not match those keys.
   */
  approvalCode(deviceId?: string): Promise<string>;
  approve(deviceId: string, code: string): Promise<void>;
  revoke(deviceId: string): Promise<void>;
  /** The site's messenger accounts (public names and the account ids webhooks carry). */
  channels(): Promise<ChannelSettings>;
  /** Saves them (admins); unset channels are not offered to visitors. */
  setChannels(channels: ChannelSettings): Promise<void>;
  /** The websites (origins) whose pages may use the chat; empty means any. */
  origins(): Promise<string[]>;
  /** Saves them (admins); returns the list as stored. */
  setOrigins(origins: string[]): Promise<string[]>;
  /** Whether the chat frame tells the site's pages a message's text (off by default). */
  shareText(): Promise<boolean>;
  setShareText(on: boolean): Promise<boolean>;
  /** Invites another agent; returns the invitation code for the link. */
  invite(email: string, name: string): Promise<string>;
}

/** A site's messenger accounts: what visitors see (phone, page, username) and the id webhooks name. */
export interface ChannelSettings {
  whatsapp?: { phone: string; account: string };
  messenger?: { page: string; account: string };
  instagram?: { username: string; account: string };
}

const SESSION_KEY = 'threadline-agent';
const LOW_PREKEYS = 20;
/** How often an open console looks for conversations that have ended. */
const SHRED_INTERVAL_MS = 60_000;
type StoredSession = Omit<AgentSession, 'keyBackup'>;

const deviceName = () => {
  const ua = globalThis.navigator?.userAgent ?? '';
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  return `${browser} · ${new Date().toLocaleDateString()}`;
};

export function createAgentClient(options: RelayOptions): AgentClient {
  const relay = relayUrl(options?.relay);
  const agent = signal<Agent | null>(null);
  const sync = signal<Sync | null>(null);
  let catchUp: CatchUp | undefined;
  const summaries = signal<ReadonlyMap<string, ConversationSummary>>(new Map());
  const devices = signal<readonly DeviceRecord[]>([]);
  const startError = signal<ThreadlineError | null>(null);
  let worker: Remote<AgentCryptoService> | undefined;
  let session: StoredSession | undefined;
  /** Conversations this device has shredded: the relay listing them again changes nothing. */
  const ended = new Set<string>();
  let shredTimer: ReturnType<typeof setInterval> | undefined;
  let directory: Directory | undefined;
  const getWorker = () => (worker ??= startWorker<AgentCryptoService>(options.workerUrl ?? new URL('./agent-crypto-worker.js', import.meta.url)));
  /** Keys and storage of the console, apart from a visitor's on the same origin. */
  const scope = (site: string) => `${relay.origin}/${site}/agent`;
  const api = <T>(path: string, action: string, init: Parameters<typeof request>[3] = {}) => request<T>(relay, path, action, { token: session?.token, ...init });
  const saved = createSavedReplies({ api, worker: getWorker, devices: () => directory?.devices.map((d) => d.id) ?? [] });

  async function refreshDirectory(): Promise<void> {
    const config = await request<SiteConfig>(relay, `/v1/sites/${session!.site}/config`, 'load the key directory');
    if (!config.directory) return;
    directory = (await call('check the key directory', getWorker().trust(config.directory))).directory;
    const current = agent.peek();
    if (!current) return;
    const approved = directory.devices.some((d) => d.id === current.deviceId);
    agent.value = { ...current, approved, orgFingerprint: await orgFingerprint(directory.orgKey) };
    if (approved && !current.approved) await loadConversations();
    // Directories expire (so an old one cannot be replayed to visitors): an admin renews it in time.
    if (current.holdsOrgKeys && !renewing && directoryNeedsRenewal(directory)) {
      renewing = true;
      await publish((list) => list).finally(() => (renewing = false));
    }
  }
  let renewing = false;

  /** The site's conversations (an approved device only); called on every (re)connection. */
  async function loadConversations(): Promise<void> {
    if (!agent.peek()?.approved || !sync.peek()) return;
    // One conversation that cannot be opened (its visitor's keys do not check) is reported; the others still open.
    for (const conversation of parseConversations(await api<unknown>('/v1/agent/conversations', 'load the conversations'))) {
      await track(conversation).catch((error: unknown) => sync.peek()?.report(error));
    }
  }

  /** Where a message goes: the visitor's device (not for an internal note), the other agents' devices and the inbox key. */
  async function route(conversationId: string, audience?: Audience): Promise<Route> {
    const conversation = summaries.peek().get(conversationId);
    if (!conversation || !directory) throw new ConfigError('unknown_conversation', 'send the reply', 'the conversation is not loaded', 'Reload the console.');
    const me = agent.peek()!.deviceId;
    const visitor = audience === 'agents' ? null : conversation.visitor;
    // The visitor's bundle comes with the conversation; the other agents' from the relay.
    const ids = [...(visitor ? [visitor.id] : []), ...directory.devices.filter((d) => d.id !== me).map((d) => d.id)];
    const to = await recipients(getWorker(), ids, async (deviceId) =>
      deviceId === visitor?.id ? visitor : api<PrekeyBundleWire>(`/v1/sites/${session!.site}/devices/${deviceId}/bundle`, 'reach the other agents').catch(() => null),
    );
    return { recipients: to, inboxKey: directory.inboxKey, expiresAt: conversation.expiresAt };
  }

  /** Shows the conversation a relay answer returned, without waiting for the frame every agent gets. */
  async function changed(answer: Promise<unknown>): Promise<void> {
    const { conversation } = (await answer) as { conversation: unknown };
    await track(parseConversations({ conversations: [conversation] })[0]!);
  }

  /** Crypto-shredding of one conversation on this device: out of the inbox, its history and its visitor's sessions deleted. */
  function drop(conversationId: string): void {
    ended.add(conversationId);
    const next = new Map(summaries.peek());
    const visitor = next.get(conversationId)?.visitor?.id;
    next.delete(conversationId);
    summaries.value = next;
    sync.peek()?.forget(conversationId);
    catchUp?.forget(conversationId);
    void getWorker().forget(conversationId, visitor).catch((error: unknown) => sync.peek()?.report(error));
  }

  async function track(conversation: ConversationSummary): Promise<void> {
    const engine = sync.peek();
    if (!engine || ended.has(conversation.id)) return;
    const known = summaries.peek().has(conversation.id);
    summaries.value = new Map(summaries.peek()).set(conversation.id, conversation);
    if (conversation.visitor) await call('check the visitor’s keys', getWorker().addVisitor(conversation.visitor));
    if (!known) catchUp?.open(conversation.id);
  }

  function bump(conversationId: string, seq: number, at: number): void {
    const summary = summaries.peek().get(conversationId);
    if (summary && seq > summary.lastSeq) summaries.value = new Map(summaries.peek()).set(conversationId, { ...summary, lastSeq: seq, lastAt: at });
  }

  /** Registers this browser's device, sets up or opens the organisation keys, and connects. */
  async function connect(stored: StoredSession, info: DeviceInfo, holdsOrgKeys: boolean): Promise<void> {
    session = stored;
    startError.value = null;
    const registered = await api<{ status: string; prekeys: number }>('/v1/agent/devices', 'register this device', { body: { device: info.device, oneTimePrekeys: info.oneTimePrekeys, name: deviceName() } });
    // Top up one-time prekeys, and rotate the signed prekey when it is due (weekly).
    const more = await call('make prekeys', getWorker().replenish(registered.prekeys < LOW_PREKEYS ? 50 : 0));
    if (more.signedPrekey || more.oneTimePrekeys.length) await api('/v1/agent/devices/prekeys', 'upload prekeys', { body: more });
    agent.value = { email: stored.email, name: stored.name, site: stored.site, role: stored.role, deviceId: info.device.id, approved: false, holdsOrgKeys, orgFingerprint: null };
    await refreshDirectory();
    // An admin's own new device approves itself: it holds the key that signs the directory.
    if (holdsOrgKeys && directory && !directory.devices.some((d) => d.id === info.device.id)) await approve(info.device.id, null, info.device);

    // Conversations that ended while this console was closed go before anything is shown, and the
    // ones ending while it is open go when their time comes: this device's clock decides, not the relay.
    const shredEnded = async () => {
      for (const conversationId of await call('delete ended conversations', getWorker().shredExpired())) drop(conversationId);
    };
    await shredEnded();
    clearInterval(shredTimer);
    shredTimer = setInterval(() => void shredEnded().catch((error: unknown) => sync.peek()?.report(error)), SHRED_INTERVAL_MS);
    const engine = new Sync(getWorker(), socketUrl(relay), stored.token, route, parseRelayFrame);

    engine.refreshTrust = refreshDirectory;
    // The session token expired (the relay closes the socket with 4401): back to sign-in, saying why;
    // signing in again connects anew.
    engine.onUnauthorized = () =>
      void signOut().then(() => (startError.value = new ConnectionError('unauthorized', 'stay connected', 'the session expired', 'Sign in again.')));
    const opening = (catchUp = new CatchUp(engine));
    engine.onFrame = (frame) => {
      opening.onFrame(frame);
      const report = (error: unknown) => engine.report(error);
      if (frame.type === 'welcome') void loadConversations().catch(report);
      if (frame.type === 'conversation') void track(frame.conversation).catch(report);
      if (frame.type === 'message') bump(frame.envelope.conversationId, frame.envelope.seq, frame.envelope.at);
      // A device approved since the saved replies were sealed gets them sealed again (by a console that can open them).
      if (frame.type === 'directory') void refreshDirectory().then(() => Promise.all([loadDevices(), agent.peek()?.approved && saved.load()])).catch(report);
      if (frame.type === 'expired') drop(frame.conversationId);
      if ((frame.type === 'welcome' && agent.peek()?.approved) || (frame.type === 'saved-replies' && frame.version !== saved.version)) void saved.load();
    };
    engine.onExpired = drop;
    sync.value = engine;
    engine.connection.start();
    await loadDevices();
  }

  async function signIn(email: string, password: string): Promise<void> {
    const pre = await request<PreLogin>(relay, '/v1/agent/prelogin', 'sign in', { body: { email } });
    const worker = getWorker();
    const authKey = await call('sign in', worker.unlock(password, pre.salt, pre.iterations));
    const created = await request<AgentSession>(relay, '/v1/agent/session', 'sign in', { body: { email, authKey } });
    const { keyBackup, ...stored } = created;
    session = stored;
    const info = await call('load this device’s keys', worker.open(scope(stored.site), stored.site, 'agent'));
    let holdsOrgKeys = info.hasOrgKeys;
    if (keyBackup) {
      await call('open the organisation keys', worker.restoreOrg(keyBackup));
      holdsOrgKeys = true;
    } else if (stored.role === 'admin') {
      const config = await request<SiteConfig>(relay, `/v1/sites/${stored.site}/config`, 'load the site');
      if (!config.directory) {
        const setup = await call('create the organisation keys', worker.createOrg(stored.name));
        await api('/v1/agent/org', 'save the organisation keys', { method: 'PUT', body: setup });
        holdsOrgKeys = true;
      }
    }
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(stored));
    await connect(stored, info, holdsOrgKeys);
  }

  async function acceptInvite(code: string, password: string): Promise<void> {
    const salt = toBase64Url(randomBytes(16));
    const authKey = await call('set the password', getWorker().unlock(password, salt, KDF_ITERATIONS));
    const { email } = await request<{ email: string }>(relay, '/v1/agent/invites/accept', 'accept the invitation', { body: { code, salt, iterations: KDF_ITERATIONS, authKey } });
    await signIn(email, password);
  }

  async function resume(): Promise<boolean> {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return false;
    const stored = JSON.parse(raw) as StoredSession;
    const info = await getWorker().open(scope(stored.site), stored.site, 'agent');
    if (!info.ok) return false;
    try {
      await connect(stored, info.value, info.value.hasOrgKeys);
      return true;
    } catch (error) {
      sessionStorage.removeItem(SESSION_KEY);
      if (error instanceof ThreadlineError && error.code === 'unauthorized') return false;
      throw error;
    }
  }

  async function signOut(): Promise<void> {
    clearInterval(shredTimer);
    sync.peek()?.connection.close();
    sessionStorage.removeItem(SESSION_KEY);
    session = undefined;
    batch(() => {
      sync.value = null;
      agent.value = null;
      summaries.value = new Map();
      devices.value = [];
    });
  }

  async function loadDevices(): Promise<void> {
    devices.value = (await api<{ devices: DeviceRecord[] }>('/v1/agent/devices', 'list the devices')).devices;
  }

  /** Publishes a new directory version with `change` applied (admins). */
  async function publish(change: (list: Directory['devices']) => Directory['devices']): Promise<void> {
    await refreshDirectory();
    const signed = await call('sign the key directory', getWorker().signDirectory(change(directory!.devices), directory!.version + 1));
    await api('/v1/agent/directory', 'publish the key directory', { method: 'PUT', body: signed });
    await refreshDirectory();
    await loadDevices();
  }

  async function approvalCode(deviceId?: string): Promise<string> {
    if (deviceId === undefined) return getWorker().approvalCode();
    const record = devices.peek().find((d) => d.id === deviceId);
    if (!record) throw new ConfigError('unknown_device', 'compute the approval code', `device ${deviceId} is not registered`, 'Reload the device list.');
    return getWorker().approvalCode(record);
  }

  /** `code` is what the new device shows; without `own` (this device), it must match the reported keys. */
  async function approve(deviceId: string, code: string | null, own?: DeviceInfo['device']): Promise<void> {
    const record = own ? { ...own, agent: session!.email } : devices.peek().find((d) => d.id === deviceId);
    if (!record) throw new ConfigError('unknown_device', 'approve the device', `device ${deviceId} is not registered`, 'Reload the device list.');
    if (!own && (code ?? '').replace(/\D/g, '') !== (await getWorker().approvalCode(record))) {
      throw new ConfigError('code_mismatch', 'approve the device', 'the code does not match the keys the relay reported for it', 'Check the code shown on the new device; if it still differs, do not approve it: the relay may be offering other keys.');
    }
    const entry = { id: record.id, agent: record.agent, identityKey: record.identityKey, signingKey: record.signingKey };
    await publish((list) => [...list.filter((d) => d.id !== deviceId), entry]);
  }

  const guard =
    <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      run(...args).catch((error: unknown) => {
        startError.value = error instanceof ThreadlineError ? error : null;
        throw error;
      });

  const engine = () => {
    const current = sync.peek();
    if (!current) throw new ThreadlineError('signed_out', 'send', 'no agent is signed in', 'Sign in first.');
    return current;
  };

  return {
    agent,
    devices,
    status: computed(() => sync.value?.connection.status.value ?? 'idle'),
    error: computed(() => sync.value?.error.value ?? startError.value),
    conversations: computed(() => [...summaries.value.values()].sort((a, b) => b.lastAt - a.lastAt)),
    signIn: guard(signIn),
    acceptInvite: guard(acceptInvite),
    resume: guard(resume),
    signOut,
    messages: (conversationId) => computed(() => sync.value?.thread(conversationId).messages.value ?? []),
    visitorTyping: (conversationId) => computed(() => sync.value?.thread(conversationId).typing.value === 'visitor'),
    readByVisitor: (conversationId) => computed(() => sync.value?.thread(conversationId).read.value.visitor ?? 0),
    readByAgents: (conversationId) => computed(() => sync.value?.thread(conversationId).read.value.agent ?? 0),
    typing: (conversationId) => sync.peek()?.typing(conversationId),
    show(conversationId) {
      if (catchUp) catchUp.preferred = conversationId ?? undefined;
      void getWorker().show(conversationId ?? undefined).catch((error: unknown) => sync.peek()?.report(error));
    },
    markRead: (conversationId) => sync.peek()?.markRead(conversationId, 'agent'),
    async reply(conversationId, text, via) {
      const current = engine();
      if (!via) return current.send(conversationId, { text });
      // Out through the messenger first (the relay forwards the text and keeps nothing), then into
      // the encrypted thread, so the web visitor and the other agents see it too.
      await api(`/v1/agent/conversations/${conversationId}/channel-reply`, `send the reply on ${CHANNEL_NAMES[via]}`, { body: { channel: via, text } });
      return current.send(conversationId, { text, channel: via });
    },
    note: (conversationId, text) => engine().send(conversationId, { text }, undefined, 'agents'),
    savedReplies: saved.list,
    savedRepliesProblem: saved.problem,
    saveReplies: saved.save,
    async sendFile(conversationId, file, onProgress, via) {
      const current = engine();
      // As with a reply: out through the messenger first (the relay passes the file on and keeps nothing), then into the thread.
      if (via) await api(`/v1/agent/conversations/${conversationId}/channel-file/${via}`, `send the file on ${CHANNEL_NAMES[via]}`, { body: file, headers: { 'x-file-name': encodeURIComponent(file.name ?? 'file') } });
      const sent = await sendFile(getWorker(), relay, conversationId, session!.token, file, onProgress);
      return current.send(conversationId, { file: sent, ...(via ? { channel: via } : {}) });
    },
    openFile: (conversationId, file) => openFile(getWorker(), relay, conversationId, session!.token, file),
    async safetyNumber(conversationId) {
      const visitor = summaries.peek().get(conversationId)?.visitor;
      if (!visitor || !directory) throw new ConfigError('no_visitor', 'compute the safety number', 'this conversation has no web visitor', 'Safety numbers exist only for conversations started on the website.');
      return getWorker().safetyNumber(visitor, directory.orgKey, session!.site);
    },
    setStatus: guard(async (conversationId: string, status: 'open' | 'closed' | 'snoozed', until?: number) => {
      await changed(api(`/v1/agent/conversations/${conversationId}/status`, 'change the conversation’s status', { method: 'PUT', body: { status, ...(until ? { until } : {}) } }));
    }),
    assign: guard(async (conversationId: string, agentId: string | null) => {
      await changed(api(`/v1/agent/conversations/${conversationId}/assignee`, 'assign the conversation', { method: 'PUT', body: { agent: agentId } }));
    }),
    team: guard(async () => (await api<{ team: TeamMember[] }>('/v1/agent/team', 'list the team')).team),
    merge: guard(async (from: string, into: string) => {
      await api('/v1/agent/conversations/merge', 'merge the conversations', { body: { from, into } });
    }),
    loadDevices: guard(loadDevices),
    approvalCode: guard(approvalCode),
    approve: guard((deviceId: string, code: string) => approve(deviceId, code)),
    revoke: guard((deviceId: string) => publish((list) => list.filter((d) => d.id !== deviceId))),
    channels: async () => (await api<{ channels: ChannelSettings }>('/v1/agent/channels', 'load the messenger settings')).channels,
    setChannels: guard(async (channels: ChannelSettings) => void (await api('/v1/agent/channels', 'save the messenger settings', { method: 'PUT', body: channels }))),
    origins: async () => (await api<{ origins: string[] }>('/v1/agent/origins', 'load the allowed origins')).origins,
    setOrigins: guard(async (origins: string[]) => (await api<{ origins: string[] }>('/v1/agent/origins', 'save the allowed origins', { method: 'PUT', body: { origins } })).origins),
    shareText: async () => (await api<{ shareText: boolean }>('/v1/agent/share-text', 'load the message text setting')).shareText === true,
    setShareText: guard(async (on: boolean) => (await api<{ shareText: boolean }>('/v1/agent/share-text', 'save the message text setting', { method: 'PUT', body: { shareText: on } })).shareText === true),
    invite: guard(async (email: string, name: string) => (await api<{ code: string }>('/v1/agent/invites', 'invite the agent', { body: { email, name } })).code),
  };
}
