/**
 * The agent's client, used by the console: sign-in that never sends the password, the
 * organisation's inbox key restored from its password-encrypted backup inside the worker, and every
 * conversation of the site decrypted into threads.
 */
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals-core';
import type { ConnectionStatus } from './connection.ts';
import { ThreadlineError } from './errors.ts';
import { request } from './http.ts';
import { relayUrl, socketUrl, type RelayOptions } from './options.ts';
import { parseConversations, type AgentSession, type ConversationSummary, type PreLogin } from './protocol.ts';
import { openStorage } from './storage.ts';
import { Sync } from './sync.ts';
import type { ChatMessage } from './thread.ts';
import { call, startWorker, type CryptoWorker } from './worker-client.ts';

export type { ConversationSummary } from './protocol.ts';
export type { ChatMessage, MessageStatus } from './thread.ts';
export type { ConnectionStatus } from './connection.ts';
export { ThreadlineError, ConfigError, ConnectionError, CryptoError, ProtocolError, StorageError } from './errors.ts';

export interface Agent {
  email: string;
  name: string;
  site: string;
}

export interface AgentClient {
  readonly agent: ReadonlySignal<Agent | null>;
  readonly status: ReadonlySignal<ConnectionStatus>;
  readonly error: ReadonlySignal<ThreadlineError | null>;
  /** The site's conversations, most recent activity first. */
  readonly conversations: ReadonlySignal<readonly ConversationSummary[]>;
  signIn(email: string, password: string): Promise<void>;
  /** Signs back in from this tab's session after a reload; false when there is none. */
  resume(): Promise<boolean>;
  signOut(): Promise<void>;
  messages(conversationId: string): ReadonlySignal<readonly ChatMessage[]>;
  reply(conversationId: string, text: string): Promise<ChatMessage>;
}

const SESSION_KEY = 'threadline-agent';
type StoredSession = Omit<AgentSession, 'keyBackup'>;

export function createAgentClient(options: RelayOptions): AgentClient {
  const relay = relayUrl(options?.relay);
  const agent = signal<Agent | null>(null);
  const sync = signal<Sync | null>(null);
  const summaries = signal<ReadonlyMap<string, ConversationSummary>>(new Map());
  const startError = signal<ThreadlineError | null>(null);
  let worker: CryptoWorker | undefined;
  const getWorker = () => (worker ??= startWorker(options.workerUrl ?? new URL('./crypto-worker.js', import.meta.url)));
  const scope = (site: string) => `${relay.origin}/${site}`;

  async function track(conversation: ConversationSummary): Promise<void> {
    const engine = sync.peek();
    if (!engine) return;
    const known = summaries.peek().get(conversation.id);
    summaries.value = new Map(summaries.peek()).set(conversation.id, conversation);
    if (!known) await engine.open(conversation.id, conversation.visitorKey);
  }

  async function connect(session: StoredSession): Promise<void> {
    const engine = new Sync(getWorker(), await openStorage(scope(session.site)), socketUrl(relay), session.token);
    engine.onFrame = (frame) => {
      if (frame.type === 'conversation') void track(frame.conversation).catch((error) => engine.report(error));
      if (frame.type === 'message') bump(frame.envelope.conversationId, frame.envelope.seq, frame.envelope.at);
    };
    batch(() => {
      sync.value = engine;
      agent.value = { email: session.email, name: session.name, site: session.site };
    });
    const body = await request<unknown>(relay, '/v1/agent/conversations', 'load the conversations', { token: session.token });
    for (const conversation of parseConversations(body)) await track(conversation);
    engine.connection.start();
  }

  function bump(conversationId: string, seq: number, at: number): void {
    const summary = summaries.peek().get(conversationId);
    if (summary && seq > summary.lastSeq) {
      summaries.value = new Map(summaries.peek()).set(conversationId, { ...summary, lastSeq: seq, lastAt: at });
    }
  }

  async function signIn(email: string, password: string): Promise<void> {
    const pre = await request<PreLogin>(relay, '/v1/agent/prelogin', 'sign in', { body: { email } });
    const worker = getWorker();
    const authKey = await call('sign in', worker.unlock(password, pre.salt, pre.iterations));
    const session = await request<AgentSession>(relay, '/v1/agent/session', 'sign in', { body: { email, authKey } });
    if (session.keyBackup) {
      await call('open the organisation key', worker.restoreInboxKey(scope(session.site), session.keyBackup));
    } else {
      const backup = await call('create the organisation key', worker.createInboxKey(scope(session.site)));
      await request(relay, '/v1/agent/inbox-key', 'save the organisation key', { method: 'PUT', body: { backup }, token: session.token });
    }
    const { keyBackup: _, ...stored } = session;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(stored));
    await connect(stored);
  }

  async function resume(): Promise<boolean> {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return false;
    const session = JSON.parse(raw) as StoredSession;
    const resumed = await getWorker().resumeInboxKey(scope(session.site));
    if (!resumed.ok) {
      sessionStorage.removeItem(SESSION_KEY);
      return false;
    }
    await connect(session);
    return true;
  }

  async function signOut(): Promise<void> {
    sync.peek()?.connection.close();
    sessionStorage.removeItem(SESSION_KEY);
    await worker?.forget();
    batch(() => {
      sync.value = null;
      agent.value = null;
      summaries.value = new Map();
    });
  }

  const guard = <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      run(...args).catch((error: unknown) => {
        startError.value = error instanceof ThreadlineError ? error : null;
        throw error;
      });

  return {
    agent,
    status: computed(() => sync.value?.connection.status.value ?? 'idle'),
    error: computed(() => sync.value?.error.value ?? startError.value),
    conversations: computed(() => [...summaries.value.values()].sort((a, b) => b.lastAt - a.lastAt)),
    signIn: guard(signIn),
    resume: guard(resume),
    signOut,
    messages: (conversationId) => computed(() => sync.value?.thread(conversationId).messages.value ?? []),
    reply(conversationId, text) {
      const engine = sync.peek();
      if (!engine) return Promise.reject(new ThreadlineError('signed_out', 'send the reply', 'no agent is signed in', 'Sign in first.'));
      return engine.send(conversationId, text);
    },
  };
}
