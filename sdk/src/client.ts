/** The visitor's client: one end-to-end encrypted conversation with a business. */
import { computed, signal, type ReadonlySignal } from '@preact/signals-core';
import type { ConnectionStatus } from './connection.ts';
import { ConfigError, type ThreadlineError } from './errors.ts';
import { request } from './http.ts';
import { relayUrl, siteId, socketUrl, type RelayOptions } from './options.ts';
import type { SiteConfig, VisitorRegistration } from './protocol.ts';
import { openStorage } from './storage.ts';
import { Sync } from './sync.ts';
import type { ChatMessage } from './thread.ts';
import { call, startWorker } from './worker-client.ts';

export interface ClientOptions extends RelayOptions {
  /** The business's site id, as shown in the console. */
  site: string;
}

export interface Client {
  /** The business as its relay describes it, once started. */
  readonly business: ReadonlySignal<{ name: string } | null>;
  readonly status: ReadonlySignal<ConnectionStatus>;
  readonly messages: ReadonlySignal<readonly ChatMessage[]>;
  /** The last error, if any; the client keeps working where it can. */
  readonly error: ReadonlySignal<ThreadlineError | null>;
  /** False when the browser gave no storage: the conversation lasts until the page closes. */
  readonly persistent: ReadonlySignal<boolean>;
  /** Connects and loads the history. Safe to call more than once. */
  start(): Promise<void>;
  /** Encrypts and sends a text message; it shows at once with status `sending`. */
  send(text: string): Promise<ChatMessage>;
  close(): void;
}

interface VisitorSession extends VisitorRegistration {
  publicKey: string;
}

export function createClient(options: ClientOptions): Client {
  const relay = relayUrl(options?.relay);
  const site = siteId(options.site);
  const business = signal<{ name: string } | null>(null);
  const persistent = signal(true);
  const sync = signal<Sync | null>(null);
  const conversationId = signal<string | null>(null);
  let starting: Promise<void> | undefined;

  async function start(): Promise<void> {
    const config = await request<SiteConfig>(relay, `/v1/sites/${site}/config`, 'load the chat');
    if (!config.inboxKey) {
      throw new ConfigError('not_set_up', 'start the chat', `the business has not finished setting up Threadline`, 'An agent must sign in to the console once.');
    }
    business.value = { name: config.name };
    const scope = `${relay.origin}/${site}`;
    const storage = await openStorage(scope);
    persistent.value = storage.persistent;
    const worker = startWorker(options.workerUrl ?? new URL('./crypto-worker.js', import.meta.url));
    const publicKey = await call('load this browser’s key', worker.visitorIdentity(scope));
    let session = await storage.get<VisitorSession>('visitor');
    if (session?.publicKey !== publicKey) {
      const registration = await request<VisitorRegistration>(relay, `/v1/sites/${site}/visitors`, 'start a conversation', { body: { publicKey } });
      session = { ...registration, publicKey };
      await storage.set('visitor', session);
    }
    const engine = new Sync(worker, storage, socketUrl(relay), session.token);
    await engine.open(session.conversationId, config.inboxKey);
    conversationId.value = session.conversationId;
    sync.value = engine;
    engine.connection.start();
  }

  const messages = computed(() => {
    const id = conversationId.value;
    return (id && sync.value?.threads.get(id)?.messages.value) || [];
  });

  const startError = signal<ThreadlineError | null>(null);
  return {
    business,
    persistent,
    messages,
    status: computed(() => sync.value?.connection.status.value ?? 'idle'),
    error: computed(() => sync.value?.error.value ?? startError.value),
    start() {
      starting ??= start().catch((error: ThreadlineError) => {
        starting = undefined;
        startError.value = error;
        throw error;
      });
      return starting;
    },
    async send(text) {
      await this.start();
      return sync.value!.send(conversationId.value!, text);
    },
    close() {
      sync.value?.connection.close();
    },
  };
}
