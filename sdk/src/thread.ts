/** One conversation's decrypted messages, ordered by the relay's sequence numbers. */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { Role } from './protocol.ts';

export type MessageStatus = 'sending' | 'sent' | 'unreadable';

export interface ChatMessage {
  /** The client message id, stable from send to delivery. */
  readonly id: string;
  readonly from: Role;
  /** Plain text; render it as text, never as HTML. Empty when `status` is `unreadable`. */
  readonly text: string;
  /** Relay time once stored, local time while sending. */
  readonly at: number;
  /** The relay's sequence number; absent while sending. */
  readonly seq?: number;
  readonly status: MessageStatus;
}

const order = (a: ChatMessage, b: ChatMessage) =>
  (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.at - b.at;

export class Thread {
  readonly #messages = signal<readonly ChatMessage[]>([]);
  readonly messages: ReadonlySignal<readonly ChatMessage[]> = this.#messages;
  /** Highest sequence number received: the point to resume from. */
  lastSeq = 0;

  has(id: string): boolean {
    return this.#messages.peek().some((message) => message.id === id && message.status !== 'sending');
  }

  /** Adds a message, or replaces the one with the same id. */
  upsert(message: ChatMessage): void {
    const others = this.#messages.peek().filter((existing) => existing.id !== message.id);
    this.#messages.value = [...others, message].sort(order);
  }

  acknowledge(id: string, seq: number, at: number): void {
    const message = this.#messages.peek().find((existing) => existing.id === id);
    if (message) this.upsert({ ...message, seq, at, status: 'sent' });
  }
}
