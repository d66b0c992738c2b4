/**
 * One connection per browser. A visitor's tabs elect a leader with a Web Lock: the leader's client
 * connects, encrypts and decrypts; the other tabs mirror its state over a BroadcastChannel and ask
 * it to act. When the leader tab closes, its lock passes to a waiting tab, which starts its own
 * client from the same IndexedDB (keys, history, outbox) and carries on; calls still waiting are
 * asked again, and a retried send keeps its message id, so it is delivered once.
 */
import { computed, effect, signal } from '@preact/signals-core';
import type { Client } from './client.ts';
import { randomId } from './crypto/encoding.ts';
import { fromWire, toWire, type WireError } from './errors.ts';
import { Thread, type ChatMessage } from './thread.ts';

const STATE = ['business', 'status', 'error', 'persistent', 'agentTyping', 'readByAgent', 'expiresAt'] as const;
type Method = 'send' | 'sendFile' | 'openFile' | 'verify' | 'handoff' | 'rate' | 'forget' | 'typing' | 'markRead';
type Call = { id: string; method: Method; args: unknown[] };

type Note =
  /** A tab took the lead: followers ask it for the state, and again for their waiting calls. */
  | { t: 'lead' }
  | { t: 'hello' }
  | { t: 'state'; state: Record<string, unknown>; messages: ChatMessage[]; reset: boolean }
  | ({ t: 'call' } & Call)
  | { t: 'done'; id: string; value?: unknown; error?: WireError }
  | { t: 'progress'; id: string; fraction: number };

export function shareAcrossTabs(local: Client, name: string): Client {
  if (typeof BroadcastChannel !== 'function' || !globalThis.navigator?.locks) return local;
  const channel = new BroadcastChannel(name);
  const post = (note: Note) => channel.postMessage(note);
  const leader = signal(false);
  const mirror = signal<Record<string, unknown>>({});
  const copy = signal(new Thread());
  const waiting = new Map<string, Call & { resolve(value: unknown): void; reject(error: unknown): void; progress?: (fraction: number) => void }>();
  let release = () => {};
  let stateArrived = () => {};
  const firstState = new Promise<void>((resolve) => (stateArrived = resolve));

  const lead = () =>
    new Promise<void>((resolve) => {
      release = resolve;
      leader.value = true;
      stateArrived();
      post({ t: 'lead' });
      void local.start().catch(() => {});
      for (const call of waiting.values()) answer(call, call.progress).then(call.resolve, call.reject);
      waiting.clear();
    });
  // A follower waits in line for the lock, until its client closes.
  const quit = new AbortController();
  const decided = new Promise<void>((resolve) =>
    navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      resolve();
      if (lock) return lead();
      navigator.locks.request(name, { signal: quit.signal }, lead).catch(() => {});
    }),
  );

  /** The leader's state, to its followers: every field, and the messages that changed (all on `reset`). */
  let watched = false;
  let posted = new WeakSet<ChatMessage>();
  const publish = (reset: boolean) => {
    const messages = local.messages.peek();
    if (reset || !messages.length) posted = new WeakSet();
    const state = Object.fromEntries(STATE.map((key) => [key, local[key].peek()]));
    state.error &&= toWire(state.error);
    post({ t: 'state', state, messages: messages.filter((m) => !posted.has(m)), reset: reset || !messages.length });
    for (const m of messages) posted.add(m);
  };
  const stop = effect(() => {
    if (!leader.value) return;
    for (const key of STATE) void local[key].value;
    void local.messages.value;
    if (watched) publish(false);
  });

  /** Runs a call on this tab's client; a follower's file upload reports its progress back. */
  const answer = ({ id, method, args }: Call, progress = (fraction: number) => post({ t: 'progress', id, fraction })): Promise<unknown> => {
    const run = local[method] as (...args: unknown[]) => unknown;
    return Promise.resolve().then(() => (method === 'sendFile' ? run(args[0], progress) : run(...args)));
  };

  channel.onmessage = ({ data: note }: MessageEvent<Note>) => {
    if (leader.peek()) {
      if (note.t === 'hello') publish((watched = true));
      if (note.t === 'call') answer(note).then((value) => post({ t: 'done', id: note.id, value }), (error) => post({ t: 'done', id: note.id, error: toWire(error) }));
      return;
    }
    if (note.t === 'lead') {
      post({ t: 'hello' });
      for (const { resolve, reject, progress, ...call } of waiting.values()) post({ t: 'call', ...call });
    } else if (note.t === 'state') {
      if (note.state.error) note.state.error = fromWire(note.state.error as WireError);
      mirror.value = note.state;
      if (note.reset) copy.value = new Thread();
      copy.peek().upsert(...note.messages);
      stateArrived();
    } else if (note.t === 'done' || note.t === 'progress') {
      const call = waiting.get(note.id);
      if (note.t === 'progress') call?.progress?.(note.fraction);
      else if (call) {
        waiting.delete(note.id);
        if (note.error) call.reject(fromWire(note.error));
        else call.resolve(note.value);
      }
    }
  };

  /** Runs a method here when leading, else in the leader's tab. */
  async function ask<T>(method: Method, args: unknown[], progress?: (fraction: number) => void): Promise<T> {
    await decided;
    const call = { id: randomId(), method, args };
    if (leader.peek()) return answer(call, progress) as Promise<T>;
    return new Promise<T>((resolve, reject) => {
      waiting.set(call.id, { ...call, resolve: resolve as (value: unknown) => void, reject, ...(progress ? { progress } : {}) });
      post({ t: 'call', ...call });
    });
  }
  const shared = <K extends (typeof STATE)[number]>(key: K) => computed(() => (leader.value ? local[key].value : (mirror.value[key] ?? local[key].value))) as Client[K];

  return {
    leading: leader,
    business: shared('business'),
    status: shared('status'),
    error: shared('error'),
    persistent: shared('persistent'),
    agentTyping: shared('agentTyping'),
    readByAgent: shared('readByAgent'),
    expiresAt: shared('expiresAt'),
    messages: computed(() => (leader.value ? local.messages.value : copy.value.messages.value)),
    async start() {
      await decided;
      if (!leader.peek()) {
        post({ t: 'hello' });
        await firstState;
      }
      if (leader.peek()) await local.start();
    },
    // A send gets its message id here, so asking again (a new leader) cannot send it twice.
    send: (text, options) => ask('send', [text, { id: randomId(), ...options }]),
    sendFile: (file, onProgress) => ask('sendFile', [file], onProgress),
    openFile: (file) => ask('openFile', [file]),
    verify: () => ask('verify', []),
    handoff: (channel) => ask('handoff', [channel]),
    rate: (score, comment) => ask('rate', [score, comment]),
    forget: () => ask('forget', []),
    typing: () => void ask('typing', []).catch(() => {}),
    markRead: () => void ask('markRead', []).catch(() => {}),
    close() {
      stop();
      quit.abort();
      release();
      channel.close();
      local.close();
    },
  };
}
