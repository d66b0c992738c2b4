import { signal } from '@preact/signals-core';
import { describe, expect, it } from 'vitest';
import type { Client } from './client.ts';
import { showAtOnce } from './pending.ts';
import type { ChatMessage } from './thread.ts';

/** A client whose `send` waits until the test settles it, as one waits for the relay and the worker. */
function slowClient() {
  const thread = signal<readonly ChatMessage[]>([]);
  const sends: { text: string; id: string; resolve(): void; reject(error: Error): void }[] = [];
  const client = {
    messages: thread,
    send: (text: string, options?: { id?: string }) =>
      new Promise<ChatMessage>((resolve, reject) => {
        const id = options!.id!;
        sends.push({
          text,
          id,
          resolve() {
            const message: ChatMessage = { id, from: 'visitor', text, at: Date.now(), status: 'sending' };
            thread.value = [...thread.peek(), message];
            resolve(message);
          },
          reject,
        });
      }),
  } as unknown as Client;
  return { client, thread, sends };
}

describe('a sent message shown at once', () => {
  it('is in the messages as sending before send resolves, then once, as the thread has it', async () => {
    const { client, sends } = slowClient();
    const chat = showAtOnce(client);
    const sent = chat.send('Hello');
    expect(chat.messages.value).toEqual([expect.objectContaining({ text: 'Hello', from: 'visitor', status: 'sending', id: sends[0]!.id })]);
    sends[0]!.resolve();
    await sent;
    expect(chat.messages.value.map((m) => m.text)).toEqual(['Hello']);
  });

  it('keeps the id the caller gave, and is removed if the send fails', async () => {
    const { client, sends } = slowClient();
    const chat = showAtOnce(client);
    const sent = chat.send('Will fail', { id: 'my-id' });
    expect(sends[0]!.id).toBe('my-id');
    expect(chat.messages.value.map((m) => m.id)).toEqual(['my-id']);
    sends[0]!.reject(new Error('refused'));
    await expect(sent).rejects.toThrow('refused');
    expect(chat.messages.value).toEqual([]);
  });

  it('shows nothing for text that send refuses', async () => {
    const { client, sends } = slowClient();
    const chat = showAtOnce(client);
    void chat.send('   ').catch(() => {});
    void chat.send('x'.repeat(10_001)).catch(() => {});
    expect(chat.messages.value).toEqual([]);
    expect(sends).toHaveLength(2); // the client still decides, and refuses with its typed error
  });
});
