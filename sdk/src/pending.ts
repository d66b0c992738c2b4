/**
 * A sent message is on screen within one frame of Enter: `send` shows it as `sending` at once,
 * before the conversation is created, the recipients' keys are fetched and the worker has encrypted
 * it and stored it in the outbox (tens to hundreds of milliseconds, a first message the longest).
 * The thread's own copy, under the same id, takes its place; a send that fails removes it.
 */
import { computed, signal } from '@preact/signals-core';
import type { Client } from './client.ts';
import { randomId } from './crypto/encoding.ts';
import { MAX_TEXT_LENGTH } from './sync.ts';
import type { ChatMessage } from './thread.ts';

export function showAtOnce(client: Client): Client {
  const pending = signal<readonly ChatMessage[]>([]);
  const settle = (id: string) => (pending.value = pending.peek().filter((message) => message.id !== id));
  return {
    ...client,
    messages: computed(() => {
      const thread = client.messages.value;
      const waiting = pending.value.filter((message) => !thread.some((shown) => shown.id === message.id));
      return waiting.length ? [...thread, ...waiting] : thread;
    }),
    send(text, options) {
      const id = options?.id ?? randomId();
      // Only what `send` will accept is shown; anything else is refused below, as before.
      if (typeof text === 'string' && text.trim() && text.length <= MAX_TEXT_LENGTH) {
        pending.value = [...pending.peek(), { id, from: 'visitor', text, at: Date.now(), status: 'sending' }];
      }
      return client.send(text, { ...options, id }).finally(() => settle(id));
    },
  };
}
