/**
 * The relay benchmark's load driver: starts a server as a child process, opens visitor and agent
 * sockets, and offers messages at a fixed rate. Latency runs from a visitor's send to the agent's
 * receipt of the message (and to the visitor's ack, which the relay sends after its commit); both
 * ends are in this process, so one clock measures them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

export interface Server {
  port: number;
  agentToken: string;
  /** Asks the child for a figure: resident memory (bytes), CPU time used (µs) or envelopes stored. */
  ask(type: 'rss' | 'cpu' | 'stored'): Promise<number>;
  /** Asks the relay how its commits went since the last ask (null from the bare server). */
  ask(type: 'commits'): Promise<CommitStats | null>;
  stop(): Promise<void>;
}

export interface CommitStats {
  commits: number;
  meanBatch: number;
  commitP50Ms: number;
  commitP99Ms: number;
  commitMaxMs: number;
  /** The 99th percentile of the event loop's delay: how long frames waited to be read. */
  loopDelayP99Ms: number;
}

export const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');

export async function startServer(file: string, env: Record<string, string>): Promise<Server> {
  // BENCH_PROFILE_DIR: write a CPU profile of the server (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child: ChildProcess = fork(new URL(file, import.meta.url), [], { execArgv: ['--import', 'tsx', '--expose-gc', ...profile], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: ((value: never) => void)[] = [];
  const ready = await new Promise<{ port: number; agentToken: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the benchmark server ${file} exited (${code}) before it was ready`)));
    child.on('message', (message: { type: string; value?: never; port?: number; agentToken?: string }) => {
      if (message.type === 'ready') resolve(message as { port: number; agentToken: string });
      else replies.shift()?.(message.value!);
    });
  });
  return {
    ...ready,
    ask: ((type: string) =>
      new Promise((resolve) => {
        replies.push(resolve as (value: never) => void);
        child.send({ type });
      })) as Server['ask'],
    // Disconnecting lets the server close and exit on its own (and write its profile).
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill(), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.disconnect();
      }),
  };
}

/** A connected socket whose frames (JSON text) go to `onFrame`; resolves once the relay said `welcome`. */
export function connect(url: string, token: string, onFrame: (text: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', token })));
    socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"welcome"')) resolve(socket);
      else onFrame(text);
    });
    socket.once('close', (code) => reject(new Error(`the socket closed (${code}) before welcome`)));
  });
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function pool<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!);
      }
    }),
  );
  return results;
}

export interface Sender {
  socket: WebSocket;
  /** The frame's text before and after the message id: only the id changes between messages. */
  head: string;
  tail: string;
}

/** A `send` frame template shaped like the SDK's: ~256 bytes of ciphertext, one agent device, the inbox copy, a signature. */
export function sender(socket: WebSocket, conversationId: string, device: string, expiresAt: number, agentDevice: string): Sender {
  const rest = {
    from: 'visitor',
    device,
    expiresAt,
    iv: b64(12),
    ct: b64(256),
    keys: [{ to: agentDevice, h: { s: b64(32), dh: b64(32), pn: 0, n: 3 }, k: b64(48) }],
    inbox: { epk: b64(32), iv: b64(12), k: b64(48) },
    sig: b64(64),
  };
  const tail = JSON.stringify(rest).slice(1);
  return { socket, head: `{"type":"send","envelope":{"v":2,"conversationId":"${conversationId}","id":"`, tail: `",${tail}}` };
}

export interface StepResult {
  offered: number;
  sent: number;
  acked: number;
  delivered: number;
  /** Messages per second acknowledged (stored) and delivered to the agent, over the step. */
  storedPerSecond: number;
  deliveredPerSecond: number;
  ack: Percentiles;
  delivery: Percentiles;
  /** Server CPU time per message, µs. */
  serverCpuUs: number;
  /** This driver's CPU time per message, µs: the load generator shares the machine's cores. */
  driverCpuUs: number;
  commits: CommitStats | null;
}
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Tracks every message by number: when it was sent, acked and delivered. */
export class Tracker {
  sentAt = new Float64Array(1 << 22);
  next = 0;
  acks: number[] = [];
  deliveries: number[] = [];
  lastAck = 0;
  lastDelivery = 0;
  from = 0;

  // The driver reads only the type and the message number, without parsing the whole frame, so
  // that it spends its CPU on offering load rather than on reading it.
  onAck = (text: string): void => {
    if (!text.startsWith('{"type":"ack"')) return;
    const n = messageNumber(text);
    if (n < this.from) return;
    this.lastAck = performance.now();
    this.acks.push(this.lastAck - this.sentAt[n]!);
  };

  onDelivery = (text: string): void => {
    if (!text.startsWith('{"type":"message"')) return;
    const n = messageNumber(text);
    if (n < this.from) return;
    this.lastDelivery = performance.now();
    this.deliveries.push(this.lastDelivery - this.sentAt[n]!);
  };

  send(sender: Sender): void {
    const n = this.next++;
    this.sentAt[n] = performance.now();
    sender.socket.send(sender.head + 'm' + n + sender.tail);
  }

  reset(): void {
    this.from = this.next;
    this.acks = [];
    this.deliveries = [];
  }
}

/** The benchmark's message ids are `m<number>`; the first `"id"` key of an ack or message frame is the message's. */
const messageNumber = (text: string): number => {
  const start = text.indexOf('"id":"m') + 7;
  return Number(text.slice(start, text.indexOf('"', start)));
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Offers `rate` messages per second for `seconds`, round robin over the senders, then waits for the stragglers. */
export async function step(tracker: Tracker, senders: Sender[], server: Server, rate: number, seconds: number, drainMs = 5000): Promise<StepResult> {
  tracker.reset();
  const cpuBefore = await server.ask('cpu');
  await server.ask('commits');
  const driverBefore = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  let cursor = 0;
  for (let elapsed = 0; elapsed < seconds * 1000; elapsed = performance.now() - start) {
    const due = Math.floor((rate * elapsed) / 1000) - sent;
    for (let i = 0; i < due; i++, sent++) tracker.send(senders[cursor++ % senders.length]!);
    await tick();
  }
  const deadline = performance.now() + drainMs;
  while ((tracker.deliveries.length < sent || tracker.acks.length < sent) && performance.now() < deadline) await tick();
  const driver = process.cpuUsage(driverBefore);
  const cpu = (await server.ask('cpu')) - cpuBefore;
  const commits = await server.ask('commits');
  return {
    offered: rate,
    sent,
    acked: tracker.acks.length,
    delivered: tracker.deliveries.length,
    storedPerSecond: tracker.acks.length / ((tracker.lastAck - start) / 1000),
    deliveredPerSecond: tracker.deliveries.length / ((tracker.lastDelivery - start) / 1000),
    ack: percentiles(tracker.acks, sent),
    delivery: percentiles(tracker.deliveries, sent),
    serverCpuUs: cpu / sent,
    driverCpuUs: (driver.user + driver.system) / sent,
    commits,
  };
}

/** Percentiles over `count` messages; one that never arrived counts as infinitely late. */
export function percentiles(values: number[], count: number): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => {
    const i = Math.ceil(q * count) - 1;
    return i < sorted.length ? sorted[Math.max(0, i)]! : Infinity;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
