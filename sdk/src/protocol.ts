/**
 * The wire protocol between Threadline clients and the relay: WebSocket frames and the JSON bodies
 * of the HTTP API, as types and as validators. Shared by the SDK and the relay; no DOM, no Node.
 * Untrusted input is parsed here, once. Byte strings are base64url without padding.
 * The validators are built by calls marked pure, so a bundle keeps only those it uses.
 */
import { count, fail, list, nullable, object, oneOf, optional, parseJson, pattern, shallow, text, type Check, type Checked } from './schema.ts';

export { replyWindow, type ReplyWindow } from './reply-window.ts';
export { FrameError, count, list, nullable, object, oneOf, optional, pattern, text, type Check, type Checked } from './schema.ts';

/** Largest WebSocket frame the relay accepts, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Most devices one message is encrypted for. */
export const MAX_RECIPIENTS = 64;

export type Role = 'visitor' | 'agent';

/** The messengers a conversation can continue on. */
export const CHANNELS = ['whatsapp', 'messenger', 'instagram'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_NAMES: Record<Channel, string> = { whatsapp: 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram' };

/** How long a visitor keeps a conversation. */
export const RETENTION_MS = {
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
  '30d': 30 * 24 * 3600_000,
  '1y': 365 * 24 * 3600_000,
} as const;
export type Retention = keyof typeof RETENTION_MS;
export const RETENTIONS = Object.keys(RETENTION_MS) as Retention[];

// ---- primitives ----

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const B64 = /^[A-Za-z0-9_-]*$/;
export const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value);
export const isBase64Url = (value: unknown, max = MAX_FRAME_BYTES): value is string => typeof value === 'string' && value.length <= max && B64.test(value);

export const id = /*#__PURE__*/ pattern(ID, 64);
const b64 = (max: number) => /*#__PURE__*/ pattern(/^[A-Za-z0-9_-]+$/, max);
/** A 32-byte key, base64url. */
export const key = /*#__PURE__*/ pattern(/^[A-Za-z0-9_-]{43}$/, 43);
const signature = /*#__PURE__*/ pattern(/^[A-Za-z0-9_-]{86}$/, 86);
const role = oneOf<Role>('visitor', 'agent');

// ---- keys and devices ----

export const signedPrekey = /*#__PURE__*/ object({ id: count, publicKey: key, signature });
/** What a signed prekey's signature covers, before the identity key and the prekey: the signing key vouches for both. */
export const SIGNED_PREKEY_CONTEXT = 'threadline/3 signed prekey\n';
/** A device's public keys: X25519 identity, Ed25519 signing key, current signed prekey. */
export const deviceKeys = /*#__PURE__*/ object({ id, identityKey: key, signingKey: key, signedPrekey });
/** What it takes to start a session with a device while it is offline. */
export const prekeyBundle = /*#__PURE__*/ object({ id, identityKey: key, signingKey: key, signedPrekey, oneTimePrekey: /*#__PURE__*/ optional(/*#__PURE__*/ object({ id: count, publicKey: key })) });
export const deviceUpload = /*#__PURE__*/ object({ device: deviceKeys, oneTimePrekeys: /*#__PURE__*/ list(/*#__PURE__*/ object({ id: count, publicKey: key }), 200), name: /*#__PURE__*/ text(80) });

export type SignedPrekeyWire = Checked<typeof signedPrekey>;
export type DeviceKeys = Checked<typeof deviceKeys>;
export type PrekeyBundleWire = Checked<typeof prekeyBundle>;
export type DeviceUpload = Checked<typeof deviceUpload>;

/** The organisation's signed list of the agent devices visitors encrypt to. */
export const directory = /*#__PURE__*/ object({
  v: /*#__PURE__*/ oneOf(2),
  site: id,
  version: count,
  issuedAt: count,
  /** After this (ms since the epoch) clients refuse it, so an old directory cannot be replayed for ever; an admin's console re-signs it. */
  expiresAt: /*#__PURE__*/ optional(count),
  orgKey: key,
  inboxKey: key,
  devices: /*#__PURE__*/ list(/*#__PURE__*/ object({ id, agent: /*#__PURE__*/ text(120), identityKey: key, signingKey: key }), MAX_RECIPIENTS),
});
export type Directory = Checked<typeof directory>;
/** `directory` is the exact JSON text the organisation key signed. */
export const signedDirectory = /*#__PURE__*/ object({ directory: /*#__PURE__*/ text(32 * 1024), signature });
export type SignedDirectory = Checked<typeof signedDirectory>;

export const parseDirectoryText = (json: string): Directory => directory(parseJson(json), 'directory');

// ---- envelopes ----

export const wireHeader = /*#__PURE__*/ object({
  s: /*#__PURE__*/ b64(64),
  dh: key,
  pn: count,
  n: count,
  pre: /*#__PURE__*/ optional(/*#__PURE__*/ object({ ik: key, ek: key, spk: count, opk: /*#__PURE__*/ nullable(count) })),
});
const keyEntry = /*#__PURE__*/ object({ to: id, h: wireHeader, k: /*#__PURE__*/ b64(128) });

const envelopeShape = {
  v: /*#__PURE__*/ oneOf(2),
  conversationId: id,
  /** Client message id, chosen by the sender: resending it is idempotent. */
  id,
  from: role,
  /** The sending device. */
  device: id,
  /** When the conversation expires; bound into the encryption. */
  expiresAt: count,
  iv: /*#__PURE__*/ b64(16),
  ct: /*#__PURE__*/ b64(MAX_FRAME_BYTES),
  keys: /*#__PURE__*/ list(keyEntry, MAX_RECIPIENTS),
  inbox: /*#__PURE__*/ optional(/*#__PURE__*/ object({ epk: key, iv: /*#__PURE__*/ b64(16), k: /*#__PURE__*/ b64(128) })),
  /** The sender device's Ed25519 signature over the message and its inbox copy (whose sealing alone proves no sender). */
  sig: /*#__PURE__*/ optional(signature),
  /** Set on messages that came in or went out through a messenger: sealed by the relay, not end to end. */
  channel: /*#__PURE__*/ optional(/*#__PURE__*/ oneOf(...CHANNELS)),
  /** The content key sealed to devices' identity keys (the relay's channel messages). */
  sealed: /*#__PURE__*/ optional(/*#__PURE__*/ list(/*#__PURE__*/ object({ to: id, epk: key, iv: /*#__PURE__*/ b64(16), k: /*#__PURE__*/ b64(128) }), MAX_RECIPIENTS)),
  /**
   * `agents`: an internal note, encrypted to agent devices only. The relay stores it in the
   * conversation but never delivers it to the visitor; it is bound into the encryption, so a relay
   * that sets or removes it makes the message fail to open on agents' devices.
   */
  audience: /*#__PURE__*/ optional(/*#__PURE__*/ oneOf<Audience>('agents')),
};
/** Who a message is for: absent, everyone in the conversation; `agents`, the business's team only (an internal note). */
export type Audience = 'agents';
export const envelope = /*#__PURE__*/ object(envelopeShape);
export const storedEnvelope = /*#__PURE__*/ object({ ...envelopeShape, seq: count, at: count });

export type WireHeader = Checked<typeof wireHeader>;
export type KeyEntry = Checked<typeof keyEntry>;
/** An encrypted message as its sender produced it. The relay stores it unchanged. */
export type Envelope = Checked<typeof envelope>;
/** An envelope as the relay stored it, with its per-conversation sequence number. */
export type StoredEnvelope = Checked<typeof storedEnvelope>;

/** What an agent sees of a conversation without decrypting anything. */
const channelState = /*#__PURE__*/ object({
  name: /*#__PURE__*/ oneOf(...CHANNELS),
  /** How the customer appears on that messenger, shortened for display. */
  label: /*#__PURE__*/ text(80),
  /** Last message from the customer on it: replies are free-form for 24 hours after. */
  lastInboundAt: count,
});
/** An agent closed or snoozed the conversation when it had `seq` messages; a later message reopens it (see conversation-status.ts). */
const conversationStatus = /*#__PURE__*/ object({ state: /*#__PURE__*/ oneOf('closed', 'snoozed'), seq: count, until: /*#__PURE__*/ nullable(count) });
export const conversationSummary = /*#__PURE__*/ object({
  id,
  /** The web visitor's device; null for a conversation that started on a messenger. */
  visitor: /*#__PURE__*/ nullable(deviceKeys),
  createdAt: count,
  expiresAt: count,
  lastSeq: count,
  lastAt: count,
  channel: /*#__PURE__*/ nullable(channelState),
  /** Set when an agent merged this conversation into another. */
  mergedInto: /*#__PURE__*/ nullable(id),
  /** Null while open. */
  status: /*#__PURE__*/ nullable(conversationStatus),
  /** The agent who has it (an id from the team list), or nobody. */
  assignee: /*#__PURE__*/ nullable(id),
});
export type ChannelState = Checked<typeof channelState>;
export type ConversationStatus = Checked<typeof conversationStatus>;
/** An agent of the site, as `GET /v1/agent/team` lists them. */
export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
}
export type ConversationSummary = Checked<typeof conversationSummary>;
export const parseConversations = (value: unknown): ConversationSummary[] => /*#__PURE__*/ object({ conversations: /*#__PURE__*/ list(conversationSummary, 10_000) })(value, '').conversations;

// ---- socket frames ----

export type ClientFrame =
  | { type: 'hello'; token: string }
  | { type: 'send'; envelope: Envelope }
  | { type: 'sync'; conversationId: string; since: number }
  /** The sender is typing (sent at most every few seconds; forwarded, never stored). */
  | { type: 'typing'; conversationId: string }
  /** The sender has read the conversation up to `seq`. */
  | { type: 'read'; conversationId: string; seq: number };

export type RelayFrame =
  | { type: 'welcome'; role: Role }
  | { type: 'ack'; conversationId: string; id: string; seq: number; at: number }
  | { type: 'message'; envelope: StoredEnvelope }
  | { type: 'synced'; conversationId: string; seq: number }
  | { type: 'typing'; conversationId: string; role: Role }
  | { type: 'read'; conversationId: string; role: Role; seq: number }
  | { type: 'conversation'; conversation: ConversationSummary }
  | { type: 'directory'; version: number }
  | { type: 'expired'; conversationId: string }
  /** Agents only: the team's saved replies changed (to this version). */
  | { type: 'saved-replies'; version: number }
  | { type: 'error'; code: ErrorCode; message: string; id?: string };

/**
 * `rate_limited`: nothing was stored; try again later (the message says when, HTTP adds `Retry-After`).
 * `quota_exceeded`: nothing was stored; the conversation's or the site's storage quota is used up.
 */
export type ErrorCode = 'bad_frame' | 'too_large' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'gone' | 'rate_limited' | 'quota_exceeded' | 'internal';

const clientFrames: Record<ClientFrame['type'], Check<ClientFrame>> = {
  hello: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('hello'), token: /*#__PURE__*/ b64(128) }),
  send: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('send'), envelope }),
  sync: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('sync'), conversationId: id, since: count }),
  typing: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('typing'), conversationId: id }),
  read: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('read'), conversationId: id, seq: count }),
};

/**
 * A visitor's socket checks a message's routing fields only; the crypto worker parses the whole
 * envelope before it decrypts (the second edge), which keeps that parser out of the widget's bundle.
 */
const routedEnvelope = /*#__PURE__*/ shallow({ conversationId: id, id, from: role, seq: count, at: count });

const visitorFrames: Record<Exclude<RelayFrame['type'], 'conversation' | 'saved-replies'>, Check<RelayFrame>> = {
  welcome: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('welcome'), role }),
  ack: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('ack'), conversationId: id, id, seq: count, at: count }),
  message: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('message'), envelope: routedEnvelope as Check<StoredEnvelope> }),
  synced: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('synced'), conversationId: id, seq: count }),
  typing: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('typing'), conversationId: id, role }),
  read: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('read'), conversationId: id, role, seq: count }),
  directory: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('directory'), version: count }),
  expired: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('expired'), conversationId: id }),
  error: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('error'), code: /*#__PURE__*/ text(32) as Check<ErrorCode>, message: /*#__PURE__*/ text(2000), id: /*#__PURE__*/ optional(id) }),
};

function parseFrame<T>(table: Record<string, Check<T>>, raw: string): T {
  const value = parseJson(raw);
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const check = typeof type === 'string' && Object.hasOwn(table, type) ? table[type] : undefined;
  return check ? check(value, '') : fail('type');
}

/** Parses a frame from a client. Throws `FrameError` naming the first bad field. */
export const parseClientFrame = (raw: string): ClientFrame => parseFrame(clientFrames, raw);
/** Parses a frame from the relay. Throws `FrameError` naming the first bad field. */
export const parseRelayFrame = (raw: string): RelayFrame =>
  parseFrame(
    {
      ...visitorFrames,
      message: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('message'), envelope: storedEnvelope }),
      conversation: /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('conversation'), conversation: conversationSummary }),
      'saved-replies': /*#__PURE__*/ object({ type: /*#__PURE__*/ oneOf('saved-replies'), version: count }),
    },
    raw,
  );
/** The same, for a visitor's socket, which is never sent `conversation` or `saved-replies` frames (a smaller parser). */
export const parseVisitorFrame = (raw: string): RelayFrame => parseFrame(visitorFrames, raw);

// ---- HTTP bodies ----

/** Where the business can be reached on each messenger (public; unconfigured ones are absent). */
export interface ChannelLinks {
  whatsapp?: { phone: string };
  messenger?: { page: string };
  instagram?: { username: string };
}
/**
 * The WhatsApp handoff code as it travels in the customer's prefilled text (`#TL-7K3Q9X`): WhatsApp
 * links carry no ref parameter, so the relay finds the code by this pattern and the console shows it
 * as a marker, not as words the customer wrote. Letters and digits that cannot be misread.
 */
export const WHATSAPP_CODE = /#(TL-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5})\b/;
export interface Handoff {
  /** The single-use reference: a short code for WhatsApp, a token for Messenger and Instagram. */
  ref: string;
  expiresAt: number;
}
export interface SiteConfig {
  site: string;
  name: string;
  channels: ChannelLinks;
  /** Null until the business has set up its keys in the console. */
  directory: SignedDirectory | null;
  retention: { default: Retention; max: Retention };
}
export interface VisitorRegistration {
  conversationId: string;
  token: string;
  expiresAt: number;
}
const wrappedKey = /*#__PURE__*/ object({ publicKey: key, iv: /*#__PURE__*/ b64(16), wrapped: /*#__PURE__*/ b64(512) });
/** The organisation's private keys, wrapped under a key derived from one agent's password. */
export const keyBackup = /*#__PURE__*/ object({ v: /*#__PURE__*/ oneOf(2), orgKey: wrappedKey, inboxKey: wrappedKey });
export type KeyBackup = Checked<typeof keyBackup>;
export type WrappedKey = Checked<typeof wrappedKey>;

export interface PreLogin {
  salt: string;
  iterations: number;
}
export type AgentRole = 'admin' | 'member';
export interface AgentSession {
  token: string;
  site: string;
  email: string;
  name: string;
  role: AgentRole;
  keyBackup: KeyBackup | null;
}
export type DeviceStatus = 'pending' | 'approved' | 'revoked';
export interface DeviceRecord extends DeviceKeys {
  agent: string;
  name: string;
  status: DeviceStatus;
  createdAt: number;
}

// ---- saved replies ----

/** Longest sealed text of the team's saved replies (base64url): with a sealed key for each of 64 devices, a save stays under the relay's 64 KiB body limit. */
export const MAX_SAVED_REPLIES_CIPHERTEXT = 48 * 1024;
const sealedKeyShape = { epk: key, iv: /*#__PURE__*/ b64(16), k: /*#__PURE__*/ b64(128) };
/**
 * The team's saved replies as the relay keeps them: encrypted once under a random content key that
 * is sealed to each approved agent device's identity key and to the inbox key, and signed by the
 * agent device that wrote them (anyone can seal to public keys; only the team's devices sign).
 */
export const sealedSavedReplies = /*#__PURE__*/ object({
  v: /*#__PURE__*/ oneOf(1),
  /** The device that sealed and signed it. */
  device: id,
  iv: /*#__PURE__*/ b64(16),
  ct: /*#__PURE__*/ b64(MAX_SAVED_REPLIES_CIPHERTEXT),
  sealed: /*#__PURE__*/ list(/*#__PURE__*/ object({ to: id, ...sealedKeyShape }), MAX_RECIPIENTS),
  inbox: /*#__PURE__*/ object(sealedKeyShape),
  sig: signature,
});
export type SealedSavedReplies = Checked<typeof sealedSavedReplies>;
/** `PUT /v1/agent/saved-replies`: the new version (one more than the version it replaces, so two agents' edits cannot silently overwrite each other). */
export const savedRepliesUpdate = /*#__PURE__*/ object({ version: count, sealed: sealedSavedReplies });
/** `GET /v1/agent/saved-replies`: version 0 and `sealed` null before anyone saved one. */
export interface SavedRepliesRecord {
  version: number;
  sealed: SealedSavedReplies | null;
}

export interface HttpErrorBody {
  error: { code: ErrorCode; message: string };
}
