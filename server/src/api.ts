/** The relay's HTTP API: site configuration, visitors, prekey bundles, agents, devices, directory. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import {
  deviceKeys,
  deviceUpload,
  FrameError,
  isId,
  keyBackup,
  key,
  parseDirectoryText,
  RETENTION_MS,
  RETENTIONS,
  signedDirectory,
  signedPrekey,
  type AgentSession,
  type PreLogin,
  type PrekeyBundleWire,
  type SiteConfig,
  type VisitorRegistration,
  count,
  list,
  object,
  oneOf,
  optional,
  nullable,
  pattern,
  text,
  type Check,
  CHANNEL_NAMES,
  CHANNELS,
  id,
  replyWindow,
  type Channel,
  type ChannelLinks,
  type Handoff,
  savedRepliesUpdate,
  type SavedRepliesRecord,
  type SealedSavedReplies,
} from '@threadline/sdk/protocol';
import { ChannelError, sendMedia, sendText, type GraphConfig } from './channels/graph.ts';
import { ROUTE_ACCESS } from './access.ts';
import type { Blobs } from './blobs.ts';
import type { Hub } from './hub.ts';
import { MAX_ORIGINS, normalOrigin } from './origins.ts';
import { overQuota, quotaError } from './quotas.ts';
import type { Limiter, Limits } from './rate-limit.ts';
import { API_HEADERS, HttpError, readBytes, readJson, sendJson, tooMany, voice } from './responses.ts';
import { DeviceTakenError, OrgKeyTakenError, type Principal, type Storage } from './storage/index.ts';
import { signsItsPrekey, verifyEd25519 } from './verify.ts';

const BODY_LIMIT = 64 * 1024;
const KDF_ITERATIONS = 600_000;
const email = pattern(/^[^\s@]{1,64}@[^\s@]{1,190}$/, 255);
const authKey = pattern(/^[A-Za-z0-9_-]{43}$/, 43);
const salt = pattern(/^[A-Za-z0-9_-]{16,64}$/, 64);

type AgentPrincipal = Extract<Principal, { role: 'agent' }>;

/** A URL-encoded header value of 1 to 200 characters, or undefined. */
function decodeHeader(value: string | string[] | undefined): string | undefined {
  try {
    const text = typeof value === 'string' ? decodeURIComponent(value) : '';
    return text.length >= 1 && text.length <= 200 && !/[\u0000-\u001f/\\]/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
const notFound = (what: string) => new HttpError(404, 'not_found', voice(`find ${what}`, 'it does not exist', 'Check the site id and the address.'));
const unauthorized = () => new HttpError(401, 'unauthorized', voice('authorise the request', 'the session is missing, expired or revoked', 'Sign in again.'));
const forbidden = (action: string, reason: string, hint: string) => new HttpError(403, 'forbidden', voice(action, reason, hint));

/** A handler result streamed as is instead of sent as JSON. */
export class Raw {
  constructor(
    readonly body: NodeJS.ReadableStream | Buffer,
    readonly size: number,
    readonly type = 'application/octet-stream',
  ) {}
}

const HANDOFF_TTL_MS = 24 * 3600_000;
/** Unambiguous letters and digits for the WhatsApp code a customer may read aloud (32: 5 bits each, unbiased from a byte). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const codeGroup = () => Array.from(randomBytes(5), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
/** WhatsApp: `TL-XXXXX-XXXXX`, 50 bits in the prefilled text; Messenger and Instagram: 128 bits in the link's `ref`. */
const handoffRef = (channel: Channel) => (channel === 'whatsapp' ? `TL-${codeGroup()}-${codeGroup()}` : randomBytes(16).toString('base64url'));

export function createApi(store: Storage, hub: Hub, blobs: Blobs, graph: GraphConfig | undefined, limiter: Limiter) {
  function limit(kind: keyof Limits, key: string, action: string): void {
    const wait = limiter.take(kind, key);
    if (wait) throw tooMany(action, wait);
  }

  async function body<T>(req: IncomingMessage, check: Check<T>, action: string): Promise<T> {
    try {
      return check(await readJson(req, BODY_LIMIT), '');
    } catch (error) {
      if (error instanceof FrameError) throw new HttpError(400, 'bad_frame', voice(action, error.message, 'Send the fields the API documents.'));
      throw error;
    }
  }

  async function principal(req: IncomingMessage): Promise<Principal> {
    const token = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(req.headers.authorization ?? '')?.[1];
    const found = token ? await store.principal(token) : undefined;
    if (!found) throw unauthorized();
    return found;
  }

  /** An agent; `approved` when the request needs this device in the signed directory (conversation data). */
  async function agent(req: IncomingMessage, approved = false): Promise<AgentPrincipal> {
    const found = await principal(req);
    if (found.role !== 'agent') throw unauthorized();
    if (approved && !found.approved) throw forbidden('use the conversations', 'this device is not approved (or was revoked)', 'Ask an admin to approve it in Devices & team.');
    return found;
  }

  /** Routes that change the organisation: the role is read from storage each time, so a demotion holds at once. */
  async function admin(req: IncomingMessage, action: string): Promise<void> {
    const found = await agent(req);
    if ((await store.agent(found.agentId))?.role !== 'admin') throw forbidden(action, 'only an admin of the team may', 'Ask an admin of your team to do it.');
  }

  async function site(id: string) {
    const found = await store.site(id);
    if (!found) throw notFound(`site '${id}'`);
    return found;
  }

  /** Checks a newly signed directory against the organisation key and the current version; returns its version and devices. */
  function checkDirectory(siteId: string, signed: { directory: string; signature: string }, orgKey: string | null, currentVersion: number) {
    const refuse = (reason: string) => new HttpError(409, 'conflict', voice('publish the key directory', reason, 'Reload the console and try again.'));
    if (!orgKey || !verifyEd25519(orgKey, signed.signature, signed.directory)) throw refuse('it is not signed by the organisation key');
    let parsed;
    try {
      parsed = parseDirectoryText(signed.directory);
    } catch {
      throw refuse('it is malformed');
    }
    if (parsed.site !== siteId || parsed.orgKey !== orgKey) throw refuse('it belongs to another organisation');
    if (parsed.version <= currentVersion) throw refuse(`version ${parsed.version} is not newer than ${currentVersion}`);
    return { version: parsed.version, approved: parsed.devices.map((d) => d.id) };
  }

  /** Tells every connected client of a new directory: revoked devices are cut off, approved ones let in. */
  async function announceDirectory(siteId: string, version: number, approved: string[], revoked: string[]): Promise<void> {
    await hub.closeDevices(revoked);
    await hub.approve(siteId, approved);
    await hub.toSite(siteId, { type: 'directory', version });
  }

  /** Verifies and stores a newly signed directory, then tells every connected client. */
  async function acceptDirectory(siteId: string, signed: { directory: string; signature: string }): Promise<void> {
    const current = await site(siteId);
    const { version, approved } = checkDirectory(siteId, signed, current.orgKey, current.directoryVersion);
    await announceDirectory(siteId, version, approved, await store.setDirectory(siteId, signed, version, approved));
  }

  const routes: Record<string, (req: IncomingMessage, params: string[]) => Promise<unknown> | unknown> = {
    'GET /healthz': () => ({ ok: true, service: 'threadline-relay', protocol: 2, sockets: hub.size }),

    /** For a load balancer: ready only while the database answers and deliveries reach every relay. */
    'GET /readyz': async () => {
      const database = await store.ready();
      if (!database || !hub.ready) {
        const down = [...(database ? [] : ['the database does not answer']), ...(hub.ready ? [] : ['the bus to the other relays is reconnecting'])];
        throw new HttpError(503, 'internal', voice('serve', down.join(' and '), 'Send traffic to another relay; this one retries by itself.'));
      }
      return { ok: true };
    },

    'GET /v1/sites/:id/config': async (_req, [id]): Promise<SiteConfig> => {
      const found = await site(id!);
      const { whatsapp, messenger, instagram } = await store.channels(found.id);
      const channels: ChannelLinks = {
        ...(whatsapp ? { whatsapp: { phone: whatsapp.phone } } : {}),
        ...(messenger ? { messenger: { page: messenger.page } } : {}),
        ...(instagram ? { instagram: { username: instagram.username } } : {}),
      };
      return { site: found.id, name: found.name, channels, directory: found.directory, retention: found.retention };
    },

    /** What the chat frame needs to know about its embedding: who may embed it, and whether pages see message text. */
    'GET /v1/sites/:id/embed': async (_req, [id]) => {
      const found = await site(id!);
      return { origins: await store.origins(found.id), shareText: await store.shareText(found.id) };
    },

    'POST /v1/sites/:id/visitors': async (req, [id]): Promise<VisitorRegistration> => {
      const found = await site(id!);
      limit('visitors', limiter.address(req), 'start a conversation');
      const { device, retention } = await body(req, object({ device: deviceKeys, retention: optional(oneOf(...RETENTIONS)) }), 'register the visitor');
      if (!signsItsPrekey(device)) {
        throw new HttpError(400, 'bad_frame', voice('register the visitor', 'its signed prekey is not signed by its signing key', 'Register the keys the device made, unchanged.'));
      }
      const chosen = retention ?? found.retention.default;
      if (RETENTION_MS[chosen] > RETENTION_MS[found.retention.max]) {
        throw new HttpError(400, 'bad_frame', voice('register the visitor', `${chosen} is longer than this business keeps conversations (${found.retention.max})`, 'Choose a shorter retention.'));
      }
      let conversation;
      try {
        conversation = await store.createConversation(found.id, device, store.now() + RETENTION_MS[chosen]);
      } catch (error) {
        if (error instanceof DeviceTakenError) throw new HttpError(409, 'conflict', voice('register the visitor', 'this device id is already registered', 'Clear this site’s data in the browser and try again.'));
        throw error;
      }
      const { site: _, ...summary } = conversation;
      await hub.toAgents(found.id, { type: 'conversation', conversation: summary });
      return { conversationId: conversation.id, token: await store.issueToken('visitor', conversation.id, device.id), expiresAt: conversation.expiresAt };
    },

    'GET /v1/sites/:id/devices/:id/bundle': async (req, [siteId, deviceId]): Promise<PrekeyBundleWire> => {
      const who = await principal(req);
      if (who.site !== siteId || (who.role === 'agent' && !who.approved)) throw unauthorized();
      limit('bundles', who.role === 'agent' ? who.agentId : who.conversationId, 'reach the business');
      const bundle = await store.takeBundle(siteId!, deviceId!);
      if (!bundle) throw notFound(`an approved device '${deviceId}'`);
      return bundle;
    },

    'POST /v1/agent/prelogin': async (req): Promise<PreLogin> => {
      const { email: address } = await body(req, object({ email }), 'start signing in');
      const found = await store.agentByEmail(address);
      if (found) return { salt: found.kdfSalt, iterations: found.kdfIterations };
      // Unknown addresses get a stable, plausible salt so the answer does not reveal who is an agent.
      const fake = createHmac('sha256', await store.secret('prelogin')).update(address.toLowerCase()).digest().subarray(0, 16);
      return { salt: fake.toString('base64url'), iterations: KDF_ITERATIONS };
    },

    'POST /v1/agent/session': async (req): Promise<AgentSession> => {
      limit('signIns', limiter.address(req), 'sign in');
      const credentials = await body(req, object({ email, authKey }), 'sign in');
      const found = await store.verifyAgent(credentials.email, credentials.authKey);
      if (!found) throw new HttpError(401, 'unauthorized', voice('sign in', 'the email or password is wrong', 'Check both and try again.'));
      return { token: await store.issueToken('agent', found.id), site: found.site, email: found.email, name: found.name, role: found.role, keyBackup: found.keyBackup };
    },

    'POST /v1/agent/invites': async (req) => {
      const who = await agent(req);
      const invite = await body(req, object({ email, name: text(80) }), 'invite an agent');
      if (await store.agentByEmail(invite.email)) throw new HttpError(409, 'conflict', voice('invite an agent', `${invite.email} already has an account`, 'Use another address.'));
      return { code: await store.createInvite(who.site, invite.email, invite.name || invite.email) };
    },

    'POST /v1/agent/invites/accept': async (req) => {
      limit('signIns', limiter.address(req), 'accept the invitation');
      const accepted = await body(req, object({ code: pattern(/^[A-Za-z0-9_-]{32}$/, 32), salt, iterations: count, authKey }), 'accept the invitation');
      if (accepted.iterations < 100_000) throw new HttpError(400, 'bad_frame', voice('accept the invitation', 'the password stretching is too weak', 'Use the console to set the password.'));
      const invite = await store.takeInvite(accepted.code);
      if (!invite) throw new HttpError(410, 'gone', voice('accept the invitation', 'the invitation is unknown, used or expired', 'Ask an admin for a new invitation.'));
      if (await store.agentByEmail(invite.email)) throw new HttpError(409, 'conflict', voice('accept the invitation', `${invite.email} already has an account`, 'Sign in instead.'));
      await store.createAgent({ site: invite.site, email: invite.email, name: invite.name, role: 'member', salt: accepted.salt, iterations: accepted.iterations, authKey: accepted.authKey });
      return { email: invite.email };
    },

    'PUT /v1/agent/org': async (req) => {
      const who = await agent(req);
      const setup = await body(req, object({ backup: keyBackup, directory: signedDirectory }), 'set up the organisation keys');
      const orgKeyTaken = () =>
        new HttpError(409, 'conflict', voice('set up the organisation keys', 'the organisation already has a different key', 'Sign in with an agent that holds the key backup.'));
      const orgKey = setup.backup.orgKey.publicKey;
      const current = await site(who.site);
      if (current.orgKey !== null && current.orgKey !== orgKey) throw orgKeyTaken();
      const { version, approved } = checkDirectory(who.site, setup.directory, orgKey, current.directoryVersion);
      // Everything or nothing: the key, the backup and a first directory signed by that key.
      let revoked: string[];
      try {
        revoked = await store.setUpOrganisation(who.site, who.agentId, setup.backup, setup.directory, version, approved);
      } catch (error) {
        throw error instanceof OrgKeyTakenError ? orgKeyTaken() : error;
      }
      await announceDirectory(who.site, version, approved, revoked);
      return { ok: true };
    },

    'POST /v1/agent/devices': async (req) => {
      const who = await agent(req);
      const upload = await body(req, deviceUpload, 'register this device');
      const result = await store.upsertDevice(who.site, who.agentId, upload.name || 'Console', upload.device);
      if (result === 'revoked') throw forbidden('register this device', 'it was revoked', 'Clear this site’s data in the browser to enrol it again.');
      if (result === 'taken') throw forbidden('register this device', 'the device id belongs to another agent', 'Clear this site’s data in the browser.');
      await store.addPrekeys(upload.device.id, upload.oneTimePrekeys);
      await store.bindTokenToDevice(/^Bearer (.+)$/.exec(req.headers.authorization!)![1]!, upload.device.id);
      return { status: (await store.devices(who.site)).find((d) => d.id === upload.device.id)?.status, prekeys: await store.prekeyCount(upload.device.id) };
    },

    'POST /v1/agent/devices/prekeys': async (req) => {
      const who = await agent(req);
      if (!who.deviceId) throw forbidden('add prekeys', 'this session has no device', 'Register the device first.');
      const upload = await body(req, object({ signedPrekey: optional(signedPrekey), oneTimePrekeys: list(object({ id: count, publicKey: key }), 200) }), 'add prekeys');
      if (upload.signedPrekey) {
        const device = (await store.devices(who.site)).find((d) => d.id === who.deviceId)!;
        const { agent: _a, name, status: _s, createdAt: _c, ...keys } = device;
        await store.upsertDevice(who.site, who.agentId, name, { ...keys, signedPrekey: upload.signedPrekey });
      }
      await store.addPrekeys(who.deviceId, upload.oneTimePrekeys);
      return { prekeys: await store.prekeyCount(who.deviceId) };
    },

    'GET /v1/agent/devices': async (req) => {
      const who = await agent(req);
      return { devices: await store.devices(who.site), directoryVersion: (await site(who.site)).directoryVersion };
    },

    'PUT /v1/agent/directory': async (req) => {
      const who = await agent(req);
      await acceptDirectory(who.site, await body(req, signedDirectory, 'publish the key directory'));
      return { ok: true };
    },

    'GET /v1/agent/channels': async (req) => ({ channels: await store.channels((await agent(req)).site) }),

    'PUT /v1/agent/channels': async (req) => {
      const who = await agent(req);
      const account = pattern(/^\d{1,30}$/, 30);
      const channels = await body(
        req,
        object({
          whatsapp: optional(object({ phone: pattern(/^\d{6,15}$/, 15), account })),
          messenger: optional(object({ page: pattern(/^[A-Za-z0-9.]{1,50}$/, 50), account })),
          instagram: optional(object({ username: pattern(/^[A-Za-z0-9._]{1,30}$/, 30), account })),
        }),
        'save the messenger settings',
      );
      await store.setChannels(who.site, channels);
      return { channels };
    },

    'GET /v1/agent/share-text': async (req) => ({ shareText: await store.shareText((await agent(req)).site) }),

    'PUT /v1/agent/share-text': async (req) => {
      const who = await agent(req);
      const flag: Check<boolean> = (value, path) => {
        if (typeof value !== 'boolean') throw new FrameError(path);
        return value;
      };
      const { shareText } = await body(req, object({ shareText: flag }), 'save the message text setting');
      await store.setShareText(who.site, shareText);
      return { shareText };
    },

    'GET /v1/agent/origins': async (req) => ({ origins: await store.origins((await agent(req)).site) }),

    'PUT /v1/agent/origins': async (req) => {
      const who = await agent(req);
      const { origins } = await body(req, object({ origins: list(text(200), MAX_ORIGINS) }), 'save the allowed origins');
      const bad = origins.find((origin) => !normalOrigin(origin));
      if (bad !== undefined) {
        throw new HttpError(400, 'bad_frame', voice('save the allowed origins', `'${bad}' is not an origin`, 'Write each as scheme and host, like https://shop.example (no path, no trailing slash).'));
      }
      await store.setOrigins(who.site, [...new Set(origins)]);
      return { origins: await store.origins(who.site) };
    },

    /** The team's saved replies, sealed in an agent's console: stored and served as they are, never read. */
    'GET /v1/agent/saved-replies': async (req): Promise<SavedRepliesRecord> => {
      const stored = await store.savedReplies((await agent(req, true)).site);
      return { version: stored.version, sealed: stored.sealed === null ? null : (JSON.parse(stored.sealed) as SealedSavedReplies) };
    },

    'PUT /v1/agent/saved-replies': async (req) => {
      const who = await agent(req, true);
      const action = 'save the saved replies';
      const { version, sealed } = await body(req, savedRepliesUpdate, action);
      if (sealed.device !== who.deviceId) throw forbidden(action, `this session cannot save as device ${sealed.device}`, 'Seal them on your own registered device.');
      const saved = await store.setSavedReplies(who.site, version, JSON.stringify(sealed));
      if (saved === undefined) throw new HttpError(409, 'conflict', voice(action, `another agent saved them since version ${version}`, 'Reload them and make the change again.'));
      await hub.toAgents(who.site, { type: 'saved-replies', version: saved });
      return { version: saved };
    },

    'GET /v1/agent/conversations': async (req) => ({ conversations: await store.conversations((await agent(req, true)).site) }),

    'POST /v1/conversations/:id/handoff': async (req, [conversationId]): Promise<Handoff> => {
      const who = await principal(req);
      if (who.role !== 'visitor' || who.conversationId !== conversationId) throw forbidden('continue on a messenger', 'the conversation is not yours', 'Use your own conversation.');
      limit('handoffs', conversationId!, 'continue on a messenger');
      const { channel } = await body(req, object({ channel: oneOf(...CHANNELS) }), 'continue on a messenger');
      if (!(await store.channels(who.site))[channel]) {
        throw new HttpError(400, 'bad_frame', voice(`continue on ${CHANNEL_NAMES[channel]}`, 'the business has not set it up', 'Choose another channel.'));
      }
      const handoff = { ref: handoffRef(channel), expiresAt: store.now() + HANDOFF_TTL_MS };
      await store.createHandoff(conversationId!, channel, handoff.ref, handoff.expiresAt);
      return handoff;
    },

    'POST /v1/agent/conversations/:id/channel-reply': async (req, [conversationId]) => {
      const who = await agent(req, true);
      const { channel, text: reply } = await body(req, object({ channel: oneOf(...CHANNELS), text: text(10_000) }), 'send the reply');
      const action = `send the reply on ${CHANNEL_NAMES[channel]}`;
      const target = await channelTarget(who.site, conversationId!, channel, action);
      return { ok: true, id: await outbound(action, () => sendText(target.graph, channel, target.account, target.identity, reply, target.humanAgentTag)) };
    },

    // The file itself, in plaintext: like a reply's text, it leaves Threadline's encryption for the messenger.
    'POST /v1/agent/conversations/:id/channel-file/:id': async (req, [conversationId, channel]) => {
      const who = await agent(req, true);
      if (!CHANNELS.includes(channel as Channel)) throw notFound(`the messenger '${channel}'`);
      const action = `send the file on ${CHANNEL_NAMES[channel as Channel]}`;
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const name = decodeHeader(req.headers['x-file-name']);
      if (!/^[a-z]+\/[\w.+-]{1,100}$/.test(type) || !name) {
        throw new HttpError(400, 'bad_frame', voice(action, 'the file needs a content-type and an X-File-Name (URL-encoded, 1 to 200 characters)', 'Send the file as the SDK does.'));
      }
      const target = await channelTarget(who.site, conversationId!, channel as Channel, action);
      const bytes = await readBytes(req, blobs.maxBytes, action);
      return { ok: true, id: await outbound(action, () => sendMedia(target.graph, channel as Channel, target.account, target.identity, { bytes, type, name }, target.humanAgentTag)) };
    },

    'POST /v1/agent/conversations/merge': async (req) => {
      const who = await agent(req, true);
      const { from, into } = await body(req, object({ from: id, into: id }), 'merge the conversations');
      const [a, b] = [await store.conversation(from), await store.conversation(into)];
      if (!a || !b || a.site !== who.site || b.site !== who.site || from === into || b.mergedInto) {
        throw new HttpError(400, 'bad_frame', voice('merge the conversations', 'they are not two distinct conversations of your site', 'Pick two conversations from the list.'));
      }
      await store.merge(from, into);
      for (const changed of [from, into]) {
        const { site: _, ...summary } = (await store.conversation(changed))!;
        await hub.toAgents(who.site, { type: 'conversation', conversation: summary });
      }
      return { ok: true };
    },

    'PUT /v1/agent/conversations/:id/status': async (req, [conversationId]) => {
      const who = await agent(req, true);
      const action = 'change the conversation’s status';
      const { status, until } = await body(req, object({ status: oneOf('open', 'closed', 'snoozed'), until: optional(count) }), action);
      const conversation = await store.conversation(conversationId!);
      if (conversation?.site !== who.site) throw notFound(`conversation '${conversationId}'`);
      if (status === 'snoozed' && !(until && until > store.now())) {
        throw new HttpError(400, 'bad_frame', voice(action, 'a snooze needs a time in the future', 'Send `until` as milliseconds since 1970, later than now.'));
      }
      await store.setStatus(conversationId!, status === 'open' ? null : { state: status, until: status === 'snoozed' ? until! : null });
      const { site: _, ...summary } = (await store.conversation(conversationId!))!;
      await hub.toAgents(who.site, { type: 'conversation', conversation: summary });
      return { conversation: summary };
    },

    'GET /v1/agent/team': async (req) => ({ team: await store.team((await agent(req)).site) }),

    'PUT /v1/agent/conversations/:id/assignee': async (req, [conversationId]) => {
      const who = await agent(req, true);
      const action = 'assign the conversation';
      const { agent: assignee } = await body(req, object({ agent: nullable(id) }), action);
      if ((await store.conversation(conversationId!))?.site !== who.site) throw notFound(`conversation '${conversationId}'`);
      if (assignee !== null && (await store.agent(assignee))?.site !== who.site) {
        throw new HttpError(400, 'bad_frame', voice(action, `'${assignee}' is not an agent of your team`, 'Pick someone from the team list.'));
      }
      await store.assign(conversationId!, assignee);
      const { site: _, ...summary } = (await store.conversation(conversationId!))!;
      await hub.toAgents(who.site, { type: 'conversation', conversation: summary });
      return { conversation: summary };
    },

    'PUT /v1/conversations/:id/blobs/:id': async (req, [conversationId, blobId]) => {
      await member(req, conversationId!);
      limit('blobs', conversationId!, 'store the attachment');
      // The upload may take what is left of both quotas (concurrent uploads may pass them by at most one attachment).
      const used = await store.usage(conversationId!) ?? { conversation: 0, site: 0 };
      const declared = Number(req.headers['content-length'] ?? 0);
      const over = overQuota(store.quotas, used, Math.max(1, declared));
      if (over) throw quotaError('store the attachment', store.quotas, over);
      const room = Math.min(store.quotas.conversationBytes - used.conversation, store.quotas.siteBytes - used.site);
      const size = await blobs.write(conversationId!, blobId!, req, room, () => quotaError('store the attachment', store.quotas, overQuota(store.quotas, used, room + 1)!));
      await store.addBlobBytes(conversationId!, size);
      return { size };
    },

    'GET /v1/conversations/:id/blobs/:id': async (req, [conversationId, blobId]) => {
      await member(req, conversationId!);
      const blob = await blobs.read(conversationId!, blobId!);
      if (!blob) throw notFound('the attachment');
      return new Raw(blob.stream, blob.size);
    },
  };

  /** The customer's identity and the business's account on a messenger, while its reply window is open. */
  async function channelTarget(site: string, conversationId: string, channel: Channel, action: string) {
    const conversation = await store.conversation(conversationId);
    const customer = conversation?.site === site ? await store.channelIdentity(conversationId, channel) : undefined;
    const account = (await store.channels(site))[channel]?.account;
    if (!customer || !account) throw new HttpError(409, 'conflict', voice(action, `the customer has not written on ${CHANNEL_NAMES[channel]} in this conversation`, 'Reply on the web instead.'));
    const window = replyWindow(channel, customer.lastInboundAt, store.now());
    if (!window.open) {
      throw new HttpError(409, 'conflict', voice(action, `${CHANNEL_NAMES[channel]}'s customer-service window has closed`, channel === 'whatsapp' ? 'WhatsApp now allows only template messages; wait for the customer to write again.' : 'Wait for the customer to write again.'));
    }
    if (!graph) throw new HttpError(503, 'internal', voice(action, 'the relay has no Graph API configured', 'Set THREADLINE_GRAPH_URL and the access tokens.'));
    return { graph, account, identity: customer.identity, humanAgentTag: window.humanAgentTag };
  }

  /** Sends out through the Graph API; the platform's refusal reaches the agent in words. */
  async function outbound(action: string, send: () => Promise<string>): Promise<string> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof ChannelError) throw new HttpError(502, 'conflict', voice(action, error.message, 'It was not sent.'));
      throw error;
    }
  }

  /** The caller must be the conversation's visitor or an agent of its site. */
  async function member(req: IncomingMessage, conversationId: string): Promise<void> {
    const who = await principal(req);
    const conversation = await store.conversation(conversationId);
    const allowed = conversation && (who.role === 'agent' ? who.approved && who.site === conversation.site : who.conversationId === conversation.id);
    if (!allowed) throw forbidden('use the attachment', 'the conversation is not yours or does not exist', 'Use an attachment of your own conversation.');
  }

  const table = Object.entries(routes).map(([route, handler]) => {
    const [method, path] = route.split(' ') as [string, string];
    const access = ROUTE_ACCESS[route];
    if (!access) throw new Error(`Threadline: failed to start the API: ${route} has no entry in ROUTE_ACCESS. Say who may call it in server/src/access.ts.`);
    return { method, regex: new RegExp('^' + path.replace(/:id/g, '([^/]+)') + '$'), handler, access };
  });

  /** Handles the request if a route matches; returns false otherwise. */
  async function handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const matches = table.filter((route) => route.regex.test(pathname));
    if (matches.length === 0) return false;
    const route = matches.find((candidate) => candidate.method === req.method);
    if (!route) {
      throw new HttpError(405, 'bad_frame', voice('handle the request', `${req.method} is not allowed on ${pathname}`, `Use ${matches.map((m) => m.method).join(' or ')}.`));
    }
    const raw = route.regex.exec(pathname)!.slice(1);
    if (raw.some((param) => !isId(param))) throw notFound(`'${raw.join('/')}'`);
    const params = raw;
    if (typeof route.access === 'object') await admin(req, route.access.admin);
    const result = await route.handler(req, params);
    if (result instanceof Raw) {
      res.writeHead(200, { ...API_HEADERS, 'content-type': result.type, 'content-length': result.size, 'cache-control': 'no-store', 'cross-origin-resource-policy': 'cross-origin' });
      if (Buffer.isBuffer(result.body)) res.end(result.body);
      else result.body.pipe(res);
    } else sendJson(res, 200, result);
    return true;
  }

  return Object.assign(handle, {
    /** Every route, as `METHOD /path/:id` (the tests walk them). */
    routes: Object.keys(routes),
    /** The methods a path answers, for CORS preflights. */
    methods: (pathname: string) => table.filter((route) => route.regex.test(pathname)).map((route) => route.method),
  });
}
