/**
 * The visitor's client: one end-to-end encrypted conversation with a business. The conversation is
 * created at the relay on the first message, with the retention the visitor chose.
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals-core';
import type { ConnectionStatus } from './connection.ts';
import { ConfigError, CryptoError, type ThreadlineError } from './errors.ts';
import type { FileRef } from './file-ref.ts';
import { handoffLink } from './handoff.ts';
import { request } from './http.ts';
import { relayUrl, siteId, socketUrl, type RelayOptions } from './options.ts';
import { CHANNEL_NAMES, CHANNELS, isId, RETENTION_MS, RETENTIONS, type Channel, type ChannelLinks, type Handoff, type Directory, type PrekeyBundleWire, type Retention, type SiteConfig, type VisitorRegistration } from './protocol.ts';
import { recipients, Sync, type Route } from './sync.ts';
import { showAtOnce } from './pending.ts';
import { shareAcrossTabs } from './tabs.ts';
import type { ChatMessage } from './thread.ts';
import { call, startWorker, type CryptoWorker } from './worker-client.ts';
import type { DeviceInfo } from './crypto/service.ts';

export interface ClientOptions extends RelayOptions {
  /** The business's site id, as shown in the console. */
  site: string;
  /** The organisation key fingerprint from the console (`data-org-key`): refuses any other key. */
  orgKey?: string;
  /** How long the conversation is kept, if the visitor does not choose (default: the business's). */
  retention?: Retention;
  /** Which of the business's messengers to offer on this site (default: all it set up). */
  channels?: Channel[];
}

/** What the visitor can check about who they are talking to. */
export interface Verification {
  /** True when the site pinned the organisation key; false when trusted on first use. */
  pinned: boolean;
  /** The 60-digit safety number to compare with the business, and its QR payload. */
  safetyNumber: string;
}

export interface Client {
  /** The business as its relay describes it, once started. */
  readonly business: ReadonlySignal<{ name: string; retention: { default: Retention; max: Retention }; channels: ChannelLinks } | null>;
  readonly status: ReadonlySignal<ConnectionStatus>;
  readonly messages: ReadonlySignal<readonly ChatMessage[]>;
  /** The last error, if any; the client keeps working where it can. */
  readonly error: ReadonlySignal<ThreadlineError | null>;
  /** False when the browser gave no storage: the conversation lasts until the page closes. */
  readonly persistent: ReadonlySignal<boolean>;
  /**
   * Whether this tab holds the browser's connection for the site (the other tabs mirror it): the
   * one tab that should notify the visitor of a reply. Always true without several tabs.
   */
  readonly leading: ReadonlySignal<boolean>;
  /** Whether an agent is typing. */
  readonly agentTyping: ReadonlySignal<boolean>;
  /** The sequence number up to which the business has read the visitor's messages. */
  readByAgent: ReadonlySignal<number>;
  /** Call as the visitor types: the agent sees "typing…" (throttled). */
  typing(): void;
  /** Marks the conversation read (call while it is visible). */
  markRead(): void;
  /** When the conversation and its keys are deleted (null before the first message). */
  readonly expiresAt: ReadonlySignal<number | null>;
  /** Loads the history and connects, if there is a conversation. Safe to call more than once. */
  start(): Promise<void>;
  /**
   * Encrypts and sends a text message; it shows at once with status `sending`, and waits in the
   * outbox while offline. `id` (optional) is the client message id: sending the same id again
   * returns the first message instead of sending a second one.
   */
  send(text: string, options?: { retention?: Retention; id?: string }): Promise<ChatMessage>;
  /** Encrypts a file in the worker, uploads it (with progress) and sends it as a message. */
  sendFile(file: Blob & { name?: string }, onProgress?: (fraction: number) => void): Promise<ChatMessage>;
  /** Downloads and decrypts an attachment into a Blob. */
  openFile(file: FileRef): Promise<Blob>;
  /** The safety number and how the business key is trusted. */
  verify(): Promise<Verification>;
  /**
   * Continues the conversation on a messenger: gets a single-use reference from the relay, marks
   * the thread ("continued on WhatsApp") and returns the link to open (or show as a QR code).
   */
  handoff(channel: Channel): Promise<{ url: string; ref: string }>;
  /** Rates the conversation (1 to 5, with an optional comment); the agents see it in the thread. */
  rate(score: number, comment?: string): Promise<ChatMessage>;
  /** Deletes the conversation from this browser, keys included. */
  forget(): Promise<void>;
  close(): void;
}

interface VisitorSession extends VisitorRegistration {
  deviceId: string;
  /**
   * When this browser deletes the conversation, by its own clock: the relay's expiry, but never
   * later than the retention the visitor chose (or the business showed) from the moment it began.
   */
  shredAt?: number;
}


export function createClient(options: ClientOptions): Client {
  const relay = relayUrl(options?.relay);
  const site = siteId(options.site);
  if (options.channels !== undefined && (!Array.isArray(options.channels) || options.channels.some((c) => !CHANNELS.includes(c)))) {
    throw new ConfigError('bad_channels', 'start', `'${String(options.channels)}' is not a list of messengers`, `Use some of ${CHANNELS.join(', ')}.`);
  }
  if (options.retention !== undefined && !RETENTIONS.includes(options.retention)) {
    throw new ConfigError('bad_retention', 'start', `'${String(options.retention)}' is not a retention`, `Use one of ${RETENTIONS.join(', ')}.`);
  }
  /** Keys and storage of this visitor, apart from an agent console's on the same origin. */
  const scope = `${relay.origin}/${site}/visitor`;
  const business = signal<Client['business']['value']>(null);
  const persistent = signal(true);
  const sync = signal<Sync | null>(null);
  const session = signal<VisitorSession | null>(null);
  const startError = signal<ThreadlineError | null>(null);
  let directory: Directory | undefined;
  let pinned = false;
  let worker: CryptoWorker | undefined;
  const getWorker = () => (worker ??= startWorker(options.workerUrl ?? new URL('./crypto-worker.js', import.meta.url)));
  let deviceKeys: DeviceInfo;
  let starting: Promise<void> | undefined;

  async function trustCurrentDirectory(): Promise<void> {
    const config = await request<SiteConfig>(relay, `/v1/sites/${site}/config`, 'load the chat');
    if (!config.directory) {
      throw new ConfigError('not_set_up', 'start the chat', 'the business has not finished setting up Threadline', 'An agent must sign in to the console once.');
    }
    const offered = options.channels ? Object.fromEntries(Object.entries(config.channels).filter(([name]) => options.channels!.includes(name as Channel))) : config.channels;
    business.value = { name: config.name, retention: config.retention, channels: offered };
    const trusted = await call('check the business’s keys', getWorker().trust(config.directory, options.orgKey));
    directory = trusted.directory;
    pinned = trusted.trust.pinned;
  }

  async function route(): Promise<Route> {
    const current = session.peek()!;
    const to = await recipients(getWorker(), directory!.devices.map((d) => d.id), (deviceId) =>
      request<PrekeyBundleWire>(relay, `/v1/sites/${site}/devices/${deviceId}/bundle`, 'reach the business', { token: current.token }).catch(() => null),
    );
    return { recipients: to, inboxKey: directory!.inboxKey, expiresAt: current.expiresAt };
  }

  function connect(current: VisitorSession): Sync {
    const engine = new Sync(getWorker(), socketUrl(relay), current.token, route, (raw) => call('read from the relay', getWorker().frame(raw)));
    // Every message of the conversation is bound to its expiry: one bound to another was moved, or stretched.
    engine.expiresAt = () => current.expiresAt;
    engine.refreshTrust = trustCurrentDirectory;
    // The relay no longer knows the conversation (deleted at its expiry while no page was open): start afresh.
    engine.onUnauthorized = () => void forget();
    engine.onFrame = (frame) => {
      if (frame.type === 'directory') void trustCurrentDirectory().catch((error) => engine.report(error));
      if (frame.type === 'expired' && frame.conversationId === current.conversationId) void forget();
    };
    // A message whose bound expiry has passed ends the conversation (by this browser's clock), whatever the relay says.
    engine.onExpired = (conversationId) => void (conversationId === current.conversationId && forget());

    sync.value = engine;
    return engine;
  }

  async function start(): Promise<void> {
    deviceKeys = await call('load this browser’s keys', getWorker().open(scope, site, 'visitor'));
    persistent.value = deviceKeys.persistent;
    await trustCurrentDirectory();
    const saved = (await getWorker().kept('visitor')) as VisitorSession | undefined;
    if (saved?.deviceId === deviceKeys.device.id && (saved.shredAt ?? saved.expiresAt) > Date.now()) {
      session.value = saved;
      const engine = connect(saved);
      await engine.open(saved.conversationId);
      engine.connection.start();
    } else if (saved) {
      await shred(saved.conversationId);
    }
  }

  /** Crypto-shredding: the conversation's history and every key of this visitor go; a fresh device replaces them. */
  async function shred(conversationId: string): Promise<void> {
    sync.peek()?.connection.close();
    // The session record and the outbox are kept with the keys, and go with them.
    await getWorker().forget(conversationId);
    sync.value = null;
    session.value = null;
    deviceKeys = await call('make new keys', getWorker().open(scope, site, 'visitor'));
    await trustCurrentDirectory();
  }

  async function register(retention: Retention | undefined): Promise<VisitorSession> {
    const chosen = retention ?? options.retention;
    const began = Date.now();
    const registration = await request<VisitorRegistration>(relay, `/v1/sites/${site}/visitors`, 'start a conversation', {
      body: { device: deviceKeys.device, ...(chosen ? { retention: chosen } : {}) },
    });
    const kept = chosen ?? business.peek()?.retention.default;
    const created = { ...registration, deviceId: deviceKeys.device.id, shredAt: Math.min(registration.expiresAt, began + (kept ? RETENTION_MS[kept] : Infinity)) };
    await getWorker().keep('visitor', created);
    session.value = created;
    const engine = connect(created);
    await engine.open(created.conversationId);
    engine.connection.start();
    return created;
  }

  async function forget(): Promise<void> {
    await ensureStarted();
    const current = session.peek();
    if (current) await shred(current.conversationId);
  }

  const ensureStarted = () => {
    starting ??= start().catch((error: ThreadlineError) => {
      starting = undefined;
      startError.value = error;
      throw error;
    });
    return starting;
  };

  async function conversation(retention?: Retention): Promise<{ engine: Sync; current: VisitorSession }> {
    await ensureStarted();
    const current = session.peek() ?? (await register(retention));
    return { engine: sync.peek()!, current };
  }

  const client: Client = {
    business,
    persistent,
    leading: signal(true),
    messages: computed(() => {
      const id = session.value?.conversationId;
      return (id && sync.value?.thread(id).messages.value) || [];
    }),
    expiresAt: computed(() => session.value?.expiresAt ?? null),
    agentTyping: computed(() => {
      const id = session.value?.conversationId;
      return (id && sync.value?.thread(id).typing.value === 'agent') || false;
    }),
    readByAgent: computed(() => {
      const id = session.value?.conversationId;
      return (id && sync.value?.thread(id).read.value.agent) || 0;
    }),
    typing() {
      const current = session.peek();
      if (current) sync.peek()?.typing(current.conversationId);
    },
    markRead() {
      const current = session.peek();
      if (current) sync.peek()?.markRead(current.conversationId, 'visitor');
    },
    status: computed(() => sync.value?.connection.status.value ?? 'idle'),
    error: computed(() => sync.value?.error.value ?? startError.value),
    start: ensureStarted,
    async send(text, sendOptions) {
      const id = sendOptions?.id;
      if (id !== undefined && !isId(id)) throw new ConfigError('bad_id', 'send the message', `'${String(id)}' is not a message id`, 'Use up to 64 letters, digits, - and _, or leave it out.');
      const { engine, current } = await conversation(sendOptions?.retention);
      return engine.send(current.conversationId, { text }, id);
    },
    async sendFile(file, onProgress) {
      const { engine, current } = await conversation();
      // The transfer's code is a chunk of its own, loaded with the first file sent or opened.
      const { sendFile } = await import('./files.ts');
      return engine.send(current.conversationId, { file: await sendFile(getWorker(), relay, current.conversationId, current.token, file, onProgress) });
    },
    async openFile(file) {
      const current = session.peek();
      if (!current) throw new CryptoError('no_conversation', 'open the file', 'there is no conversation', 'Start a conversation first.');
      const { openFile } = await import('./files.ts');
      return openFile(getWorker(), relay, current.conversationId, current.token, file);
    },
    async verify() {
      await ensureStarted();
      const number = await getWorker().safetyNumber(deviceKeys.device, directory!.orgKey, site);
      return { pinned, safetyNumber: number };
    },
    async rate(score, comment) {
      if (!Number.isInteger(score) || score < 1 || score > 5) throw new ConfigError('bad_rating', 'rate the conversation', `${score} is not a whole number from 1 to 5`, 'Pass 1 to 5.');
      const { engine, current } = await conversation();
      return engine.send(current.conversationId, { rating: { score, ...(comment?.trim() ? { comment: comment.trim().slice(0, 1000) } : {}) } });
    },
    async handoff(channel) {
      const { engine, current } = await conversation();
      const links = business.peek()!.channels;
      if (!links[channel]) throw new ConfigError('no_channel', `continue on ${CHANNEL_NAMES[channel]}`, 'the business has not set it up', 'Choose another way to continue.');
      const { ref } = await request<Handoff>(relay, `/v1/conversations/${current.conversationId}/handoff`, `continue on ${CHANNEL_NAMES[channel]}`, { body: { channel }, token: current.token });
      const url = handoffLink(channel, links, ref, business.peek()!.name);
      await engine.send(current.conversationId, { handoff: channel });
      return { url, ref };
    },
    forget,
    close() {
      sync.peek()?.connection.close();
    },
  };
  return showAtOnce(shareAcrossTabs(client, `threadline:${scope}`));
}

export { RETENTION_MS, RETENTIONS };
