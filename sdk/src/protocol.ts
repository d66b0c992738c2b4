/**
 * The wire protocol between Threadline clients and the relay: WebSocket frames and the JSON
 * bodies of the HTTP API. Shared by the SDK and the relay; no DOM, no Node.
 * Untrusted input is parsed here, once, into these types.
 */

export const PROTOCOL_VERSION = 1;

/** Largest WebSocket frame the relay accepts, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;

export type Role = 'visitor' | 'agent';

/** An encrypted message as its sender produced it. The relay stores it unchanged. */
export interface Envelope {
  v: 1;
  conversationId: string;
  /** Client message id, chosen by the sender: resending it is idempotent. */
  id: string;
  from: Role;
  /** AES-GCM nonce, base64url. */
  iv: string;
  /** Ciphertext and tag, base64url. */
  ct: string;
}

/** An envelope as the relay stored it, with its per-conversation sequence number. */
export interface StoredEnvelope extends Envelope {
  seq: number;
  /** Relay time of storage, ms since the epoch. */
  at: number;
}

/** What an agent sees of a conversation without decrypting anything. */
export interface ConversationSummary {
  id: string;
  /** The visitor's X25519 public key, base64url. */
  visitorKey: string;
  createdAt: number;
  lastSeq: number;
  lastAt: number;
}

export type ClientFrame =
  | { type: 'hello'; token: string }
  | { type: 'send'; envelope: Envelope }
  | { type: 'sync'; conversationId: string; since: number };

export type RelayFrame =
  | { type: 'welcome'; role: Role }
  | { type: 'ack'; conversationId: string; id: string; seq: number; at: number }
  | { type: 'message'; envelope: StoredEnvelope }
  | { type: 'synced'; conversationId: string; seq: number }
  | { type: 'conversation'; conversation: ConversationSummary }
  | { type: 'error'; code: ErrorCode; message: string; id?: string };

export type ErrorCode =
  | 'bad_frame'
  | 'too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'internal';

/** HTTP API bodies. */
export interface SiteConfig {
  site: string;
  name: string;
  /** The organisation's inbox X25519 public key, base64url; null until the business set up keys. */
  inboxKey: string | null;
}
export interface VisitorRegistration {
  conversationId: string;
  token: string;
}
export interface KeyBackup {
  v: 1;
  /** The inbox public key the backup belongs to (bound into the wrap's associated data). */
  publicKey: string;
  iv: string;
  wrapped: string;
}
export interface PreLogin {
  salt: string;
  iterations: number;
}
export interface AgentSession {
  token: string;
  site: string;
  email: string;
  name: string;
  keyBackup: KeyBackup | null;
}
export interface HttpErrorBody {
  error: { code: ErrorCode; message: string };
}

// ---- validation ----------------------------------------------------------------------------

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const B64 = /^[A-Za-z0-9_-]*$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value);
export const isBase64Url = (value: unknown, max = MAX_FRAME_BYTES): value is string =>
  typeof value === 'string' && value.length <= max && B64.test(value);
const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Why a frame or body was rejected: the path of the first offending field. */
export class FrameError extends Error {
  constructor(readonly field: string) {
    super(`invalid or missing field '${field}'`);
  }
}

function check(condition: boolean, field: string): asserts condition {
  if (!condition) throw new FrameError(field);
}

export function parseEnvelope(value: unknown, path = 'envelope'): Envelope {
  check(isObject(value), path);
  const { v, conversationId, id, from, iv, ct } = value;
  check(v === PROTOCOL_VERSION, `${path}.v`);
  check(isId(conversationId), `${path}.conversationId`);
  check(isId(id), `${path}.id`);
  check(from === 'visitor' || from === 'agent', `${path}.from`);
  check(isBase64Url(iv, 32) && iv.length > 0, `${path}.iv`);
  check(isBase64Url(ct) && ct.length > 0, `${path}.ct`);
  return { v, conversationId, id, from, iv, ct };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FrameError('json');
  }
}

/** Parses a frame from a client. Throws `FrameError` naming the first bad field. */
export function parseClientFrame(text: string): ClientFrame {
  const frame = parseJson(text);
  check(isObject(frame), 'frame');
  switch (frame.type) {
    case 'hello':
      check(isBase64Url(frame.token, 128) && frame.token.length > 0, 'token');
      return { type: 'hello', token: frame.token };
    case 'send':
      return { type: 'send', envelope: parseEnvelope(frame.envelope) };
    case 'sync':
      check(isId(frame.conversationId), 'conversationId');
      check(isSeq(frame.since), 'since');
      return { type: 'sync', conversationId: frame.conversationId, since: frame.since };
    default:
      throw new FrameError('type');
  }
}

function parseSummary(value: unknown): ConversationSummary {
  check(isObject(value), 'conversation');
  const { id, visitorKey, createdAt, lastSeq, lastAt } = value;
  check(isId(id), 'conversation.id');
  check(isBase64Url(visitorKey, 64), 'conversation.visitorKey');
  check(isSeq(createdAt) && isSeq(lastSeq) && isSeq(lastAt), 'conversation.time');
  return { id, visitorKey, createdAt, lastSeq, lastAt };
}

export const parseConversations = (value: unknown): ConversationSummary[] => {
  check(isObject(value) && Array.isArray(value.conversations), 'conversations');
  return value.conversations.map(parseSummary);
};

/** Parses a frame from the relay. Throws `FrameError` naming the first bad field. */
export function parseRelayFrame(text: string): RelayFrame {
  const frame = parseJson(text);
  check(isObject(frame), 'frame');
  switch (frame.type) {
    case 'welcome':
      check(frame.role === 'visitor' || frame.role === 'agent', 'role');
      return { type: 'welcome', role: frame.role };
    case 'ack':
      check(isId(frame.conversationId), 'conversationId');
      check(isId(frame.id), 'id');
      check(isSeq(frame.seq) && isSeq(frame.at), 'seq');
      return { type: 'ack', conversationId: frame.conversationId, id: frame.id, seq: frame.seq, at: frame.at };
    case 'message': {
      const stored = frame.envelope;
      const envelope = parseEnvelope(stored);
      check(isObject(stored) && isSeq(stored.seq) && isSeq(stored.at), 'envelope.seq');
      return { type: 'message', envelope: { ...envelope, seq: stored.seq, at: stored.at } };
    }
    case 'synced':
      check(isId(frame.conversationId), 'conversationId');
      check(isSeq(frame.seq), 'seq');
      return { type: 'synced', conversationId: frame.conversationId, seq: frame.seq };
    case 'conversation':
      return { type: 'conversation', conversation: parseSummary(frame.conversation) };
    case 'error':
      check(typeof frame.code === 'string', 'code');
      check(typeof frame.message === 'string', 'message');
      return {
        type: 'error',
        code: frame.code as ErrorCode,
        message: frame.message,
        ...(isId(frame.id) ? { id: frame.id } : {}),
      };
    default:
      throw new FrameError('type');
  }
}
