/** One conversation's messages, ordered by the relay's sequence numbers. */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { HistoryEntry } from './crypto/vault.ts';
import type { FileRef } from './file-ref.ts';
import { CHANNELS, isBase64Url, isId, type Audience, type Channel, type Role } from './protocol.ts';

export type MessageStatus = 'sending' | 'sent' | 'unreadable' | 'failed';

/** What a message says: text, a file, or both. Encrypted end to end. */
export interface Content {
  text?: string;
  file?: FileRef;
  /** A reply the agent sent out on a messenger, or a visitor's "continued on" marker. */
  channel?: Channel;
  handoff?: Channel;
  /** The visitor's satisfaction rating of the conversation. */
  rating?: Rating;
}

export interface Rating {
  /** 1 to 5. */
  score: number;
  comment?: string;
}

export interface ChatMessage {
  /** The client message id, stable from send to delivery. */
  readonly id: string;
  readonly from: Role;
  /** Plain text; render it as text, never as HTML. Empty when `status` is `unreadable`. */
  readonly text: string;
  /** An encrypted attachment; open it with the client's `openFile`. */
  readonly file?: FileRef;
  /** Relay time once stored, local time while sending. */
  readonly at: number;
  /** The relay's sequence number; absent while sending. */
  readonly seq?: number;
  readonly status: MessageStatus;
  /** Why a message is unreadable, or was not sent. */
  readonly problem?: string;
  /** The messenger it came in from or went out on: outside Threadline's own encryption. */
  readonly channel?: Channel;
  /** The customer's messenger profile name, sealed by the relay into their message. */
  readonly sender?: string;
  /** A marker: the visitor continued the conversation on this messenger. */
  readonly handoff?: Channel;
  readonly rating?: Rating;
  /** `agents`: an agent's internal note, which the visitor never receives. */
  readonly audience?: Audience;
}

const isChannel = (value: unknown): value is Channel => typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
const isFileRef = (value: unknown): value is FileRef => {
  const f = value as FileRef | undefined;
  return !!f && isId(f.blob) && typeof f.name === 'string' && typeof f.type === 'string' && Number.isSafeInteger(f.size) && isBase64Url(f.key, 64) && isBase64Url(f.hash, 64);
};

const isRating = (value: unknown): value is Rating => {
  const r = value as Rating | undefined;
  return !!r && Number.isInteger(r.score) && r.score >= 1 && r.score <= 5 && (r.comment === undefined || (typeof r.comment === 'string' && r.comment.length <= 1000));
};

export function toMessage(entry: HistoryEntry): ChatMessage {
  const { id, from, at, seq, status } = entry;
  if (status === 'unreadable') {
    const { reason } = (entry.content ?? {}) as { reason?: string };
    return { id, from, at, ...(seq ? { seq } : {}), status, text: '', problem: reason ?? 'could not be decrypted' };
  }
  const content = (entry.content ?? {}) as Content & { problem?: string; name?: unknown };
  // Decrypted content is the sender's word: only an agent says a reply went out on a messenger.
  const channel = entry.channel ?? (from === 'agent' && isChannel(content.channel) ? content.channel : undefined);
  const file = isFileRef(content.file) ? content.file : undefined;
  return {
    id,
    from,
    at,
    ...(seq ? { seq } : {}),
    status,
    text: typeof content.text === 'string' ? content.text : '',
    ...(file ? { file } : {}),
    ...(channel ? { channel } : {}),
    ...(entry.channel && typeof content.name == 'string' ? { sender: content.name } : {}),
    ...(isChannel(content.handoff) ? { handoff: content.handoff } : {}),
    ...(status === 'failed' && typeof content.problem === 'string' ? { problem: content.problem } : {}),
    ...(from === 'visitor' && isRating(content.rating) ? { rating: content.rating } : {}),
    ...(from === 'agent' && entry.audience ? { audience: entry.audience } : {}),
  };
}

const order = (a: ChatMessage, b: ChatMessage) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.at - b.at;

export class Thread {
  readonly #messages = signal<readonly ChatMessage[]>([]);
  readonly messages: ReadonlySignal<readonly ChatMessage[]> = this.#messages;
  /**
   * Every sequence number up to this one has arrived: a resync starts here, and "read" goes up to
   * here. (Live messages can arrive ahead of a resync's answer; resuming from the highest one would
   * skip those between.)
   */
  resumeFrom = 0;
  readonly #ahead = new Set<number>();
  /** Whether the other side is typing (cleared a few seconds after its last signal). */
  readonly typing = signal<Role | null>(null);
  /** How far each side has read, as sequence numbers. */
  readonly read = signal<Record<Role, number>>({ visitor: 0, agent: 0 });
  #typingTimer: ReturnType<typeof setTimeout> | undefined;

  peerTyping(role: Role): void {
    this.typing.value = role;
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => (this.typing.value = null), 4000);
  }

  peerRead(role: Role, seq: number): void {
    if (seq > this.read.peek()[role]) this.read.value = { ...this.read.peek(), [role]: seq };
  }

  get(id: string): ChatMessage | undefined {
    return this.#messages.peek().find((message) => message.id === id);
  }

  /** Adds messages, replacing those with the same id. */
  upsert(...messages: ChatMessage[]): void {
    // A message from the side that was typing ends its typing.
    if (messages.some((m) => m.from === this.typing.peek())) this.typing.value = null;
    const ids = new Set(messages.map((m) => m.id));
    this.#messages.value = [...this.#messages.peek().filter((m) => !ids.has(m.id)), ...messages].sort(order);
    for (const m of messages) if (m.seq) this.caughtUp(m.seq, m.seq);
  }

  /** Messages `from`..`to` have all arrived (one message, or a resync's whole answer). */
  caughtUp(to: number, from = 1): void {
    if (from <= this.resumeFrom + 1) this.resumeFrom = Math.max(this.resumeFrom, to);
    else this.#ahead.add(to);
    while (this.#ahead.delete(this.resumeFrom + 1)) this.resumeFrom++;
  }
}
