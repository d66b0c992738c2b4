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
} from '@threadline/sdk/protocol';
import { ChannelError, sendText, type GraphConfig } from './channels/graph.ts';
import { ROUTE_ACCESS } from './access.ts';
import type { Blobs } from './blobs.ts';
import type { Hub } from './hub.ts';
import { MAX_ORIGINS, normalOrigin } from './origins.ts';
import { overQuota, quotaError } from './quotas.ts';
import type { Limiter, Limits } from './rate-limit.ts';
import { API_HEADERS, HttpError, readJson, sendJson, tooMany, voice } from './responses.ts';
import { DeviceTakenError, type Principal, type Store } from './store.ts';
import { signsItsPrekey, verifyEd25519 } from './verify.ts';

const BODY_LIMIT = 64 * 1024;
const KDF_ITERATIONS = 600_000;
const email = pattern(/^[^\s@]{1,64}@[^\s@]{1,190}$/, 255);
const authKey = pattern(/^[A-Za-z0-9_-]{43}$/, 43);
const salt = pattern(/^[A-Za-z0-9_-]{16,64}$/, 64);

type AgentPrincipal = Extract<Principal, { role: 'agent' }>;

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

export function createApi(store: Store, hub: Hub, blobs: Blobs, graph: GraphConfig | undefined, limiter: Limiter) {
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

  function principal(req: IncomingMessage): Principal {
    const token = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(req.headers.authorization ?? '')?.[1];
    const found = token ? store.principal(token) : undefined;
    if (!found) throw unauthorized();
    return found;
  }

  /** An agent; `approved` when the request needs this device in the signed directory (conversation data). */
  function agent(req: IncomingMessage, approved = false): AgentPrincipal {
    const found = principal(req);
    if (found.role !== 'agent') throw unauthorized();
    if (approved && !found.approved) throw forbidden('use the conversations', 'this device is not approved (or was revoked)', 'Ask an admin to approve it in Devices & team.');
    return found;
  }

  /** Routes that change the organisation: the role is read from storage each time, so a demotion holds at once. */
  function admin(req: IncomingMessage, action: string): void {
    const found = agent(req);
    if (store.agent(found.agentId)?.role !== 'admin') throw forbidden(action, 'only an admin of the team may', 'Ask an admin of your team to do it.');
  }

  function site(id: string) {
    const found = store.site(id);
    if (!found) throw notFound(`site '${id}'`);
    return found;
  }

  /** Verifies and stores a newly signed directory, then tells every connected client. */
  function acceptDirectory(siteId: string, signed: { directory: string; signature: string }): void {
    const current = site(siteId);
    const refuse = (reason: string) => new HttpError(409, 'conflict', voice('publish the key directory', reason, 'Reload the console and try again.'));
    if (!current.orgKey || !verifyEd25519(current.orgKey, signed.signature, signed.directory)) throw refuse('it is not signed by the organisation key');
    let parsed;
    try {
      parsed = parseDirectoryText(signed.directory);
    } catch {
      throw refuse('it is malformed');
    }
    if (parsed.site !== siteId || parsed.orgKey !== current.orgKey) throw refuse('it belongs to another organisation');
    if (parsed.version <= current.directoryVersion) throw refuse(`version ${parsed.version} is not newer than ${current.directoryVersion}`);
    const approved = parsed.devices.map((d) => d.id);
    const revoked = store.setDirectory(siteId, signed, parsed.version, approved);
    hub.closeDevices(revoked);
    hub.approve(siteId, approved);
    hub.toSite(siteId, { type: 'directory', version: parsed.version });
  }

  const routes: Record<string, (req: IncomingMessage, params: string[]) => Promise<unknown> | unknown> = {
    'GET /healthz': () => ({ ok: true, service: 'threadline-relay', protocol: 2, sockets: hub.size }),

    'GET /v1/sites/:id/config': (_req, [id]): SiteConfig => {
      const found = site(id!);
      const { whatsapp, messenger, instagram } = store.channels(found.id);
      const channels: ChannelLinks = {
        ...(whatsapp ? { whatsapp: { phone: whatsapp.phone } } : {}),
        ...(messenger ? { messenger: { page: messenger.page } } : {}),
        ...(instagram ? { instagram: { username: instagram.username } } : {}),
      };
      return { site: found.id, name: found.name, channels, directory: found.directory, retention: found.retention };
    },

    /** What the chat frame needs to know about its embedding: who may embed it, and whether pages see message text. */
    'GET /v1/sites/:id/embed': (_req, [id]) => {
      const found = site(id!);
      return { origins: store.origins(found.id), shareText: store.shareText(found.id) };
    },

    'POST /v1/sites/:id/visitors': async (req, [id]): Promise<VisitorRegistration> => {
      const found = site(id!);
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
        conversation = store.createConversation(found.id, device, store.now() + RETENTION_MS[chosen]);
      } catch (error) {
        if (error instanceof DeviceTakenError) throw new HttpError(409, 'conflict', voice('register the visitor', 'this device id is already registered', 'Clear this site’s data in the browser and try again.'));
        throw error;
      }
      const { site: _, ...summary } = conversation;
      hub.toAgents(found.id, { type: 'conversation', conversation: summary });
      return { conversationId: conversation.id, token: store.issueToken('visitor', conversation.id, device.id), expiresAt: conversation.expiresAt };
    },

    'GET /v1/sites/:id/devices/:id/bundle': (req, [siteId, deviceId]): PrekeyBundleWire => {
      const who = principal(req);
      if (who.site !== siteId || (who.role === 'agent' && !who.approved)) throw unauthorized();
      limit('bundles', who.role === 'agent' ? who.agentId : who.conversationId, 'reach the business');
      const bundle = store.takeBundle(siteId!, deviceId!);
      if (!bundle) throw notFound(`an approved device '${deviceId}'`);
      return bundle;
    },

    'POST /v1/agent/prelogin': async (req): Promise<PreLogin> => {
      const { email: address } = await body(req, object({ email }), 'start signing in');
      const found = store.agentByEmail(address);
      if (found) return { salt: found.kdfSalt, iterations: found.kdfIterations };
      // Unknown addresses get a stable, plausible salt so the answer does not reveal who is an agent.
      const fake = createHmac('sha256', store.secret('prelogin')).update(address.toLowerCase()).digest().subarray(0, 16);
      return { salt: fake.toString('base64url'), iterations: KDF_ITERATIONS };
    },

    'POST /v1/agent/session': async (req): Promise<AgentSession> => {
      limit('signIns', limiter.address(req), 'sign in');
      const credentials = await body(req, object({ email, authKey }), 'sign in');
      const found = await store.verifyAgent(credentials.email, credentials.authKey);
      if (!found) throw new HttpError(401, 'unauthorized', voice('sign in', 'the email or password is wrong', 'Check both and try again.'));
      return { token: store.issueToken('agent', found.id), site: found.site, email: found.email, name: found.name, role: found.role, keyBackup: found.keyBackup };
    },

    'POST /v1/agent/invites': async (req) => {
      const who = agent(req);
      const invite = await body(req, object({ email, name: text(80) }), 'invite an agent');
      if (store.agentByEmail(invite.email)) throw new HttpError(409, 'conflict', voice('invite an agent', `${invite.email} already has an account`, 'Use another address.'));
      return { code: store.createInvite(who.site, invite.email, invite.name || invite.email) };
    },

    'POST /v1/agent/invites/accept': async (req) => {
      limit('signIns', limiter.address(req), 'accept the invitation');
      const accepted = await body(req, object({ code: pattern(/^[A-Za-z0-9_-]{32}$/, 32), salt, iterations: count, authKey }), 'accept the invitation');
      if (accepted.iterations < 100_000) throw new HttpError(400, 'bad_frame', voice('accept the invitation', 'the password stretching is too weak', 'Use the console to set the password.'));
      const invite = store.takeInvite(accepted.code);
      if (!invite) throw new HttpError(410, 'gone', voice('accept the invitation', 'the invitation is unknown, used or expired', 'Ask an admin for a new invitation.'));
      if (store.agentByEmail(invite.email)) throw new HttpError(409, 'conflict', voice('accept the invitation', `${invite.email} already has an account`, 'Sign in instead.'));
      await store.createAgent({ site: invite.site, email: invite.email, name: invite.name, role: 'member', salt: accepted.salt, iterations: accepted.iterations, authKey: accepted.authKey });
      return { email: invite.email };
    },

    'PUT /v1/agent/org': async (req) => {
      const who = agent(req);
      const setup = await body(req, object({ backup: keyBackup, directory: signedDirectory }), 'set up the organisation keys');
      // Everything or nothing: the key, the backup and a first directory signed by that key.
      store.db.transaction(() => {
        if (!store.setOrgKey(who.site, setup.backup.orgKey.publicKey)) {
          throw new HttpError(409, 'conflict', voice('set up the organisation keys', 'the organisation already has a different key', 'Sign in with an agent that holds the key backup.'));
        }
        store.setKeyBackup(who.agentId, setup.backup);
        acceptDirectory(who.site, setup.directory);
      })();
      return { ok: true };
    },

    'POST /v1/agent/devices': async (req) => {
      const who = agent(req);
      const upload = await body(req, deviceUpload, 'register this device');
      const result = store.upsertDevice(who.site, who.agentId, upload.name || 'Console', upload.device);
      if (result === 'revoked') throw forbidden('register this device', 'it was revoked', 'Clear this site’s data in the browser to enrol it again.');
      if (result === 'taken') throw forbidden('register this device', 'the device id belongs to another agent', 'Clear this site’s data in the browser.');
      store.addPrekeys(upload.device.id, upload.oneTimePrekeys);
      store.bindTokenToDevice(/^Bearer (.+)$/.exec(req.headers.authorization!)![1]!, upload.device.id);
      return { status: store.devices(who.site).find((d) => d.id === upload.device.id)?.status, prekeys: store.prekeyCount(upload.device.id) };
    },

    'POST /v1/agent/devices/prekeys': async (req) => {
      const who = agent(req);
      if (!who.deviceId) throw forbidden('add prekeys', 'this session has no device', 'Register the device first.');
      const upload = await body(req, object({ signedPrekey: optional(signedPrekey), oneTimePrekeys: list(object({ id: count, publicKey: key }), 200) }), 'add prekeys');
      if (upload.signedPrekey) {
        const device = store.devices(who.site).find((d) => d.id === who.deviceId)!;
        const { agent: _a, name, status: _s, createdAt: _c, ...keys } = device;
        store.upsertDevice(who.site, who.agentId, name, { ...keys, signedPrekey: upload.signedPrekey });
      }
      store.addPrekeys(who.deviceId, upload.oneTimePrekeys);
      return { prekeys: store.prekeyCount(who.deviceId) };
    },

    'GET /v1/agent/devices': (req) => {
      const who = agent(req);
      return { devices: store.devices(who.site), directoryVersion: site(who.site).directoryVersion };
    },

    'PUT /v1/agent/directory': async (req) => {
      const who = agent(req);
      acceptDirectory(who.site, await body(req, signedDirectory, 'publish the key directory'));
      return { ok: true };
    },

    'GET /v1/agent/channels': (req) => ({ channels: store.channels(agent(req).site) }),

    'PUT /v1/agent/channels': async (req) => {
      const who = agent(req);
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
      store.setChannels(who.site, channels);
      return { channels };
    },

    'GET /v1/agent/share-text': (req) => ({ shareText: store.shareText(agent(req).site) }),

    'PUT /v1/agent/share-text': async (req) => {
      const who = agent(req);
      const flag: Check<boolean> = (value, path) => {
        if (typeof value !== 'boolean') throw new FrameError(path);
        return value;
      };
      const { shareText } = await body(req, object({ shareText: flag }), 'save the message text setting');
      store.setShareText(who.site, shareText);
      return { shareText };
    },

    'GET /v1/agent/origins': (req) => ({ origins: store.origins(agent(req).site) }),

    'PUT /v1/agent/origins': async (req) => {
      const who = agent(req);
      const { origins } = await body(req, object({ origins: list(text(200), MAX_ORIGINS) }), 'save the allowed origins');
      const bad = origins.find((origin) => !normalOrigin(origin));
      if (bad !== undefined) {
        throw new HttpError(400, 'bad_frame', voice('save the allowed origins', `'${bad}' is not an origin`, 'Write each as scheme and host, like https://shop.example (no path, no trailing slash).'));
      }
      store.setOrigins(who.site, [...new Set(origins)]);
      return { origins: store.origins(who.site) };
    },

    'GET /v1/agent/conversations': (req) => ({ conversations: store.conversations(agent(req, true).site) }),

    'POST /v1/conversations/:id/handoff': async (req, [conversationId]): Promise<Handoff> => {
      const who = principal(req);
      if (who.role !== 'visitor' || who.conversationId !== conversationId) throw forbidden('continue on a messenger', 'the conversation is not yours', 'Use your own conversation.');
      limit('handoffs', conversationId!, 'continue on a messenger');
      const { channel } = await body(req, object({ channel: oneOf(...CHANNELS) }), 'continue on a messenger');
      if (!store.channels(who.site)[channel]) {
        throw new HttpError(400, 'bad_frame', voice(`continue on ${CHANNEL_NAMES[channel]}`, 'the business has not set it up', 'Choose another channel.'));
      }
      const handoff = { ref: handoffRef(channel), expiresAt: store.now() + HANDOFF_TTL_MS };
      store.createHandoff(conversationId!, channel, handoff.ref, handoff.expiresAt);
      return handoff;
    },

    'POST /v1/agent/conversations/:id/channel-reply': async (req, [conversationId]) => {
      const who = agent(req, true);
      const { channel, text: reply } = await body(req, object({ channel: oneOf(...CHANNELS), text: text(10_000) }), 'send the reply');
      const conversation = store.conversation(conversationId!);
      const customer = conversation?.site === who.site ? store.channelIdentity(conversationId!, channel) : undefined;
      const account = store.channels(who.site)[channel]?.account;
      const action = `send the reply on ${CHANNEL_NAMES[channel]}`;
      if (!customer || !account) throw new HttpError(409, 'conflict', voice(action, `the customer has not written on ${CHANNEL_NAMES[channel]} in this conversation`, 'Reply on the web instead.'));
      const window = replyWindow(channel, customer.lastInboundAt, store.now());
      if (!window.open) {
        throw new HttpError(409, 'conflict', voice(action, `${CHANNEL_NAMES[channel]}'s customer-service window has closed`, channel === 'whatsapp' ? 'WhatsApp now allows only template messages; wait for the customer to write again.' : 'Wait for the customer to write again.'));
      }
      if (!graph) throw new HttpError(503, 'internal', voice(action, 'the relay has no Graph API configured', 'Set THREADLINE_GRAPH_URL and the access tokens.'));
      try {
        return { ok: true, id: await sendText(graph, channel, account, customer.identity, reply, window.humanAgentTag) };
      } catch (error) {
        if (error instanceof ChannelError) throw new HttpError(502, 'conflict', voice(action, error.message, 'The reply was not sent.'));
        throw error;
      }
    },

    'POST /v1/agent/conversations/merge': async (req) => {
      const who = agent(req, true);
      const { from, into } = await body(req, object({ from: id, into: id }), 'merge the conversations');
      const [a, b] = [store.conversation(from), store.conversation(into)];
      if (!a || !b || a.site !== who.site || b.site !== who.site || from === into || b.mergedInto) {
        throw new HttpError(400, 'bad_frame', voice('merge the conversations', 'they are not two distinct conversations of your site', 'Pick two conversations from the list.'));
      }
      store.merge(from, into);
      for (const changed of [from, into]) {
        const { site: _, ...summary } = store.conversation(changed)!;
        hub.toAgents(who.site, { type: 'conversation', conversation: summary });
      }
      return { ok: true };
    },

    'PUT /v1/agent/conversations/:id/status': async (req, [conversationId]) => {
      const who = agent(req, true);
      const action = 'change the conversation’s status';
      const { status, until } = await body(req, object({ status: oneOf('open', 'closed', 'snoozed'), until: optional(count) }), action);
      const conversation = store.conversation(conversationId!);
      if (conversation?.site !== who.site) throw notFound(`conversation '${conversationId}'`);
      if (status === 'snoozed' && !(until && until > store.now())) {
        throw new HttpError(400, 'bad_frame', voice(action, 'a snooze needs a time in the future', 'Send `until` as milliseconds since 1970, later than now.'));
      }
      store.setStatus(conversationId!, status === 'open' ? null : { state: status, until: status === 'snoozed' ? until! : null });
      const { site: _, ...summary } = store.conversation(conversationId!)!;
      hub.toAgents(who.site, { type: 'conversation', conversation: summary });
      return { conversation: summary };
    },

    'GET /v1/agent/team': (req) => ({ team: store.team(agent(req).site) }),

    'PUT /v1/agent/conversations/:id/assignee': async (req, [conversationId]) => {
      const who = agent(req, true);
      const action = 'assign the conversation';
      const { agent: assignee } = await body(req, object({ agent: nullable(id) }), action);
      if (store.conversation(conversationId!)?.site !== who.site) throw notFound(`conversation '${conversationId}'`);
      if (assignee !== null && store.agent(assignee)?.site !== who.site) {
        throw new HttpError(400, 'bad_frame', voice(action, `'${assignee}' is not an agent of your team`, 'Pick someone from the team list.'));
      }
      store.assign(conversationId!, assignee);
      const { site: _, ...summary } = store.conversation(conversationId!)!;
      hub.toAgents(who.site, { type: 'conversation', conversation: summary });
      return { conversation: summary };
    },

    'PUT /v1/conversations/:id/blobs/:id': async (req, [conversationId, blobId]) => {
      member(req, conversationId!);
      limit('blobs', conversationId!, 'store the attachment');
      // The upload may take what is left of both quotas (concurrent uploads may pass them by at most one attachment).
      const used = store.usage(conversationId!) ?? { conversation: 0, site: 0 };
      const declared = Number(req.headers['content-length'] ?? 0);
      const over = overQuota(store.quotas, used, Math.max(1, declared));
      if (over) throw quotaError('store the attachment', store.quotas, over);
      const room = Math.min(store.quotas.conversationBytes - used.conversation, store.quotas.siteBytes - used.site);
      const size = await blobs.write(conversationId!, blobId!, req, room, () => quotaError('store the attachment', store.quotas, overQuota(store.quotas, used, room + 1)!));
      store.addBlobBytes(conversationId!, size);
      return { size };
    },

    'GET /v1/conversations/:id/blobs/:id': (req, [conversationId, blobId]) => {
      member(req, conversationId!);
      const blob = blobs.read(conversationId!, blobId!);
      if (!blob) throw notFound('the attachment');
      return new Raw(blob.stream, blob.size);
    },
  };

  /** The caller must be the conversation's visitor or an agent of its site. */
  function member(req: IncomingMessage, conversationId: string): void {
    const who = principal(req);
    const conversation = store.conversation(conversationId);
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
    if (typeof route.access === 'object') admin(req, route.access.admin);
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
