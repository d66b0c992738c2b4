/**
 * The delivery engine shared by the visitor and agent clients: encrypts through the worker, keeps
 * unacknowledged envelopes in the outbox until the relay confirms them, resumes each conversation
 * from its last sequence number after a reconnect, and decrypts what arrives into threads.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { Connection } from './connection.ts';
import { fromUtf8, randomId, utf8 } from './crypto/encoding.ts';
import { ConfigError, ThreadlineError } from './errors.ts';
import type { Envelope, RelayFrame, StoredEnvelope } from './protocol.ts';
import type { Storage } from './storage.ts';
import { Thread, type ChatMessage } from './thread.ts';
import { call, type CryptoWorker } from './worker-client.ts';

/** Longest message text, in characters. */
export const MAX_TEXT_LENGTH = 10_000;

export class Sync {
  readonly threads = new Map<string, Thread>();
  readonly #error = signal<ThreadlineError | null>(null);
  readonly error: ReadonlySignal<ThreadlineError | null> = this.#error;
  readonly connection: Connection;
  onFrame: (frame: RelayFrame) => void = () => {};

  constructor(
    private readonly worker: CryptoWorker,
    private readonly storage: Storage,
    socketUrl: URL,
    token: string,
  ) {
    this.connection = new Connection(socketUrl, token, {
      onFrame: (frame) => this.#receive(frame),
      onError: (error) => this.report(error),
    });
  }

  report(error: unknown): void {
    this.#error.value = error instanceof ThreadlineError ? error : new ThreadlineError('internal', 'run', String(error), 'Reload the page.');
  }

  thread(conversationId: string): Thread {
    let thread = this.threads.get(conversationId);
    if (!thread) this.threads.set(conversationId, (thread = new Thread()));
    return thread;
  }

  /** Opens a conversation's key and shows what is still waiting in the outbox for it. */
  async open(conversationId: string, peerKey: string): Promise<void> {
    await call('open the conversation', this.worker.openConversation(conversationId, peerKey));
    const thread = this.thread(conversationId);
    for (const envelope of await this.storage.outbox.all()) {
      if (envelope.conversationId !== conversationId) continue;
      const text = fromUtf8(await call('read the outbox', this.worker.decrypt(envelope)));
      thread.upsert({ id: envelope.id, from: envelope.from, text, at: Date.now(), status: 'sending' });
    }
    this.connection.send({ type: 'sync', conversationId, since: thread.lastSeq });
  }

  async send(conversationId: string, text: string): Promise<ChatMessage> {
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_LENGTH) {
      throw new ConfigError('bad_text', 'send the message', `the text must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters`, 'Shorten or fill in the message.');
    }
    const id = randomId();
    const envelope = await call('encrypt the message', this.worker.encrypt(conversationId, id, utf8(text)));
    await this.storage.outbox.put(envelope);
    const message: ChatMessage = { id, from: envelope.from, text, at: Date.now(), status: 'sending' };
    this.thread(conversationId).upsert(message);
    this.connection.send({ type: 'send', envelope });
    return message;
  }

  #receive(frame: RelayFrame): void {
    switch (frame.type) {
      case 'welcome':
        void this.#resume().catch((error) => this.report(error));
        break;
      case 'ack':
        this.thread(frame.conversationId).acknowledge(frame.id, frame.seq, frame.at);
        void this.storage.outbox.delete(frame.id).catch((error) => this.report(error));
        break;
      case 'message':
        void this.#decrypt(frame.envelope).catch((error) => this.report(error));
        break;
      case 'error':
        this.report(new ThreadlineError(frame.code, 'talk to the relay', frame.message, 'Reload the page if this persists.'));
        break;
    }
    this.onFrame(frame);
  }

  /** After (re)connecting: catch up every open conversation, then resend the outbox in order. */
  async #resume(): Promise<void> {
    for (const [conversationId, thread] of this.threads) {
      this.connection.send({ type: 'sync', conversationId, since: thread.lastSeq });
    }
    const pending: Envelope[] = await this.storage.outbox.all();
    for (const envelope of pending) {
      if (this.threads.has(envelope.conversationId)) this.connection.send({ type: 'send', envelope });
    }
  }

  async #decrypt(envelope: StoredEnvelope): Promise<void> {
    const thread = this.thread(envelope.conversationId);
    thread.lastSeq = Math.max(thread.lastSeq, envelope.seq);
    if (thread.has(envelope.id)) return;
    const { id, from, seq, at } = envelope;
    const result = await this.worker.decrypt(envelope);
    thread.upsert(
      result.ok
        ? { id, from, seq, at, text: fromUtf8(result.value), status: 'sent' }
        : { id, from, seq, at, text: '', status: 'unreadable' },
    );
    if (result.ok) void this.storage.outbox.delete(id).catch(() => {});
  }
}
