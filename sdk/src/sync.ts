/**
 * The delivery engine shared by the visitor and agent clients: encrypts through the worker, which
 * keeps each envelope in its outbox until the relay acknowledges it; resumes each conversation from
 * its last sequence number after a reconnect, resending the outbox in order; and decrypts what
 * arrives into threads. The worker keeps the decrypted history, so a reload shows it without
 * decrypting anything twice. Sending works offline: a message waits in the outbox.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { Connection } from './connection.ts';
import { randomId } from './crypto/encoding.ts';
import { ConfigError, QuotaExceededError, ThreadlineError } from './errors.ts';
import type { HistoryEntry } from './crypto/vault.ts';
import type { Audience, PrekeyBundleWire, RelayFrame, Role, StoredEnvelope } from './protocol.ts';
import { Thread, toMessage, type ChatMessage, type Content } from './thread.ts';
import { call, type CryptoWorker } from './worker-client.ts';

/** Longest message text, in characters. */
export const MAX_TEXT_LENGTH = 10_000;

/** Where a conversation's messages go: recipient devices (bundles for new sessions), inbox key, expiry. */
export interface Route {
  recipients: { deviceId: string; bundle?: PrekeyBundleWire }[];
  inboxKey: string | null;
  expiresAt: number;
}

/**
 * The recipients of a message: devices with a session as they are, the others with a prekey bundle
 * (`bundleOf` fetches one; a device that yields none, e.g. revoked meanwhile, is left out).
 */
export async function recipients(worker: CryptoWorker, deviceIds: string[], bundleOf: (deviceId: string) => Promise<PrekeyBundleWire | null>): Promise<Route['recipients']> {
  const missing = new Set(await worker.needBundles(deviceIds));
  // Fetched together: a team's first message to new devices waits for one round trip, not one per device.
  const bundles = await Promise.all(deviceIds.map((deviceId) => (missing.has(deviceId) ? bundleOf(deviceId) : undefined)));
  return deviceIds.flatMap((deviceId, i) => (bundles[i] === null ? [] : [{ deviceId, ...(bundles[i] ? { bundle: bundles[i] } : {}) }]));
}

export class Sync {
  readonly threads = new Map<string, Thread>();
  readonly #error = signal<ThreadlineError | null>(null);
  readonly error: ReadonlySignal<ThreadlineError | null> = this.#error;
  readonly connection: Connection;
  onFrame: (frame: RelayFrame) => void = () => {};
  /** The relay refused this session's token (e.g. its conversation was deleted while the page was closed). */
  onUnauthorized?: () => void;
  /** The conversation's expiry as this side knows it (the visitor chose it): an envelope bound to another is refused. */
  expiresAt?: (conversationId: string) => number | undefined;
  /** A message's own bound expiry says its conversation has ended (by this device's clock, whatever the relay says). */
  onExpired: (conversationId: string) => void = () => {};
  /** Called when a message comes from a device not (yet) trusted: reload the key directory. */
  refreshTrust: () => Promise<void> = async () => {};

  constructor(
    private readonly worker: CryptoWorker,
    socketUrl: URL,
    token: string,
    private readonly route: (conversationId: string, audience?: Audience) => Promise<Route>,
    parse: (raw: string) => RelayFrame | Promise<RelayFrame>,
  ) {
    this.connection = new Connection(socketUrl, token, {
      parse,
      onFrame: (frame) => this.#receive(frame),
      onError: (error) => (error.code === 'unauthorized' && this.onUnauthorized ? this.onUnauthorized() : this.report(error)),
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

  /** Shows a conversation's stored history, then (unless `later`) catches up from the relay. */
  async open(conversationId: string, later = false): Promise<void> {
    this.thread(conversationId).upsert(...(await call('load the history', this.worker.history(conversationId))).map(toMessage));
    if (!later) this.resync(conversationId);
  }

  /** Asks the relay for what came after this thread's history (false: offline, the next welcome does). */
  resync(conversationId: string): boolean {
    return this.connection.send({ type: 'sync', conversationId, since: this.thread(conversationId).resumeFrom });
  }

  /**
   * Encrypts and sends a message. `id` is the client message id: sending an id again (a retry)
   * returns the message already sent under it, so it is shown and delivered once. `audience`
   * `agents` makes it an internal note (agents only: `route` leaves the visitor out).
   */
  async send(conversationId: string, content: Content, id = randomId(), audience?: Audience): Promise<ChatMessage> {
    const text = content.text ?? '';
    if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH || (!text.trim() && !content.file && !content.handoff && !content.rating)) {
      throw new ConfigError('bad_text', 'send the message', `the text must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters`, 'Shorten or fill in the message.');
    }
    const thread = this.thread(conversationId);
    const known = thread.get(id);
    if (known) return known;
    const route = await this.route(conversationId, audience);
    const envelope = await call('encrypt the message', this.worker.encrypt({ conversationId, id, expiresAt: route.expiresAt, audience }, content, route.recipients, route.inboxKey));
    const message = toMessage({ conversationId, id, from: envelope.from, device: envelope.device, at: Date.now(), status: 'sending', content, audience });
    if (!thread.get(id)) thread.upsert(message);
    // After a reconnect the outbox goes first, so messages keep their order.
    await this.#resuming;
    this.connection.send({ type: 'send', envelope });
    return message;
  }

  #typingSent = 0;
  /** Tells the other side this one is typing (at most every 2.5 seconds). */
  typing(conversationId: string): void {
    if (Date.now() - this.#typingSent < 2500) return;
    if (this.connection.send({ type: 'typing', conversationId })) this.#typingSent = Date.now();
  }

  /** Marks everything received in the conversation as read by this side. */
  markRead(conversationId: string, role: Role): void {
    const thread = this.thread(conversationId);
    const seq = thread.resumeFrom;
    if (seq > thread.read.peek()[role] && this.connection.send({ type: 'read', conversationId, seq })) thread.peerRead(role, seq);
  }

  forget(conversationId: string): void {
    this.threads.delete(conversationId);
    this.#highest.delete(conversationId);
  }

  #receive(frame: RelayFrame): void {
    const run = (work: Promise<void>) => void work.catch((error) => this.report(error));
    switch (frame.type) {
      case 'welcome':
        run(this.#resume());
        break;
      case 'ack':
        this.#arrived(frame.conversationId, frame.seq);
        // A message went: whatever quota refused one before has room again.
        if (this.#error.peek() instanceof QuotaExceededError) this.#error.value = null;
        run(this.#acknowledged(frame.conversationId, frame.id, frame.seq, frame.at));
        break;
      case 'message':
        this.#arrived(frame.envelope.conversationId, frame.envelope.seq);
        run(this.#decrypt(frame.envelope));
        break;
      case 'synced':
        // Everything up to `seq` came before this frame; its decryptions are under way.
        this.threads.get(frame.conversationId)?.caughtUp(frame.seq);
        break;
      case 'typing':
        this.thread(frame.conversationId).peerTyping(frame.role);
        break;
      case 'read':
        this.thread(frame.conversationId).peerRead(frame.role, frame.seq);
        break;
      case 'error':
        // Nothing was stored and it may work later: the outbox goes again (the relay closes a rate-limited socket).
        if (frame.code === 'rate_limited' || frame.code === 'internal') setTimeout(() => run(this.#resume()), 2000);
        else if (frame.code === 'quota_exceeded') this.report(new QuotaExceededError(frame.code, 'send the message', 'storage is full', 'It waits for room.'));
        else if (frame.id) run(this.#refused(frame.id, frame.message));
        else this.report(new ThreadlineError(frame.code, 'talk to the relay', frame.message, 'Reload the page if this persists.'));
        break;
    }
    this.onFrame(frame);
  }

  /** Per conversation, the highest sequence number that arrived on this socket. */
  readonly #highest = new Map<string, number>();

  /**
   * The relay numbers each conversation's messages 1, 2, 3…: a number past the next one means some
   * did not arrive (a relay that drops frames, or one lost in flight), so the client asks for them
   * again instead of showing a history with a hole.
   */
  #arrived(conversationId: string, seq: number): void {
    const thread = this.threads.get(conversationId);
    if (!thread) return;
    const highest = this.#highest.get(conversationId) ?? thread.resumeFrom;
    if (seq > highest + 1) this.connection.send({ type: 'sync', conversationId, since: thread.resumeFrom });
    this.#highest.set(conversationId, Math.max(highest, seq));
  }

  #resuming: Promise<void> | undefined;
  /** After (re)connecting: catch up every open conversation, then resend the outbox in order. */
  #resume(): Promise<void> {
    this.#highest.clear();
    for (const [conversationId, thread] of this.threads) this.connection.send({ type: 'sync', conversationId, since: thread.resumeFrom });
    const resending = this.worker.outbox().then((waiting) => {
      for (const envelope of waiting) if (this.threads.has(envelope.conversationId)) this.connection.send({ type: 'send', envelope });
    });
    this.#resuming = resending.catch(() => {});
    return resending;
  }

  #show(entry: HistoryEntry | undefined): void {
    if (entry) this.thread(entry.conversationId).upsert(toMessage(entry));
  }

  /** The relay refused a message: it leaves the outbox and shows as not sent, instead of being resent forever. */
  async #refused(id: string, reason: string): Promise<void> {
    this.#show(await this.worker.failed(id, reason));
  }

  async #acknowledged(conversationId: string, id: string, seq: number, at: number): Promise<void> {
    this.#show(await this.worker.acknowledge(conversationId, id, seq, at));
  }

  async #decrypt(envelope: StoredEnvelope): Promise<void> {
    const thread = this.thread(envelope.conversationId);
    const shown = thread.get(envelope.id);
    if (shown?.status === 'sent') return;
    const expected = this.expiresAt?.(envelope.conversationId);
    if (expected !== undefined && envelope.expiresAt !== expected) {
      thread.upsert({ id: envelope.id || `bad-${envelope.seq}`, from: envelope.from, at: envelope.at, seq: envelope.seq, text: '', status: 'unreadable', problem: 'its expiry was changed' });
      return;
    }
    let result = await this.worker.decrypt(envelope);
    if (!result.ok && result.code === 'untrusted') {
      await this.refreshTrust();
      result = await this.worker.decrypt(envelope);
    }
    if (!result.ok && result.code === 'expired') return this.onExpired(envelope.conversationId);
    if (result.ok) thread.upsert(toMessage(result.value));
    else {
      // A tampered or undecryptable copy: shown as such, not stored, the rest carries on.
      thread.upsert({ id: envelope.id || `bad-${envelope.seq}`, from: envelope.from, at: envelope.at, seq: envelope.seq, text: '', status: 'unreadable', problem: result.reason });
    }
  }
}
