/**
 * The hostile-relay suite's ground: the real relay on a free port, an organisation provisioned the
 * way the demo does it, and a relay wrapper in front of it — an HTTP and WebSocket proxy whose
 * hooks rewrite, drop, reorder, duplicate or replay what the relay says. The SDK's visitor and
 * agent clients run unchanged in Node against the wrapper: real WebCrypto, IndexedDB from
 * fake-indexeddb, and the crypto worker's service answering in-process over the same RPC messages.
 */
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { createAgentClient, type AgentClient } from '../../sdk/src/agent.ts';
import { createClient } from '../../sdk/src/client.ts';
import { CryptoService } from '../../sdk/src/crypto/service.ts';
import type { RelayFrame } from '../../sdk/src/protocol.ts';
import { provisionOrganisation } from '../../sdk/src/setup.ts';
import { startTestRelay, UNLIMITED, type TestRelay } from '../../server/src/test-relay.ts';

export const SITE = 'acme';
export const ADMIN = { email: 'ada@acme.test', password: 'correct horse battery staple' };

/** The crypto worker without a thread: the same calls and answers, each argument and result copied as postMessage would. */
class InProcessWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  readonly #service = new CryptoService();
  postMessage({ id, method, args }: { id: number; method: string; args: unknown[] }): void {
    const fn = (this.#service as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
    void Promise.resolve()
      .then(() => fn.apply(this.#service, structuredClone(args)))
      .then(
        (value) => this.onmessage?.({ data: { id, value: structuredClone(value) } }),
        (error: unknown) => this.onmessage?.({ data: { id, error: String(error) } }),
      );
  }
  terminate(): void {}
}

class MemoryStorage {
  readonly #items = new Map<string, string>();
  getItem = (key: string) => this.#items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.#items.set(key, String(value));
  removeItem = (key: string) => void this.#items.delete(key);
}

const browser = globalThis as unknown as Record<string, unknown>;
browser.Worker = InProcessWorker;
browser.location ??= new URL('http://127.0.0.1/');
browser.sessionStorage ??= new MemoryStorage();
browser.WebSocket ??= WebSocket;
const WORKER_URL = 'http://127.0.0.1/crypto-worker.js';

/** What the wrapper does to a frame on its way to a client: pass it (return it), change it, or drop it (return null). */
export type FrameHook = (frame: RelayFrame, raw: string, socket: ClientSocket) => RelayFrame | string | null;
/** What it does to a frame from a client on its way to the relay: pass it, change it, or drop it (null). */
export type ClientFrameHook = (frame: { type: string; [field: string]: unknown }, socket: ClientSocket) => object | null;
/** What it does to an HTTP answer's JSON body. */
export type HttpHook = (path: string, body: unknown) => unknown;

export interface ClientSocket {
  /** Sends a frame to the client as if the relay had. */
  send(frame: RelayFrame | string): void;
}

export interface HostileRelay {
  relay: TestRelay;
  /** The wrapper's base URL: clients talk to it. */
  url: string;
  hooks: { frame: FrameHook; client: ClientFrameHook; http: HttpHook };
  /** Every frame delivered to clients so far (after the hooks), for replays. */
  delivered: RelayFrame[];
  agent(origin?: 'a' | 'b'): AgentClient;
  visitor(options?: { orgKey?: string; origin?: 'a' | 'b' }): ReturnType<typeof createClient>;
  stop(): Promise<void>;
}

const pass: FrameHook = (frame) => frame;

export async function startHostileRelay(): Promise<HostileRelay> {
  const relay = await startTestRelay({ limits: UNLIMITED });
  const org = await provisionOrganisation(SITE, ADMIN.password);
  const store = relay.relay.store;
  await store.createSite(SITE, 'Acme');
  await store.setOrgKey(SITE, org.keyBackup.orgKey.publicKey);
  await store.setDirectory(SITE, org.directory, 1, []);
  await store.createAgent({ site: SITE, email: ADMIN.email, name: 'Ada', role: 'admin', salt: org.salt, iterations: org.iterations, authKey: org.authKey, keyBackup: org.keyBackup });

  const hooks = { frame: pass, client: ((frame) => frame) as ClientFrameHook, http: ((_, body) => body) as HttpHook };
  const delivered: RelayFrame[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization']) if (req.headers[name]) headers[name] = String(req.headers[name]);
    const answer = await fetch(`http://${relay.base}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
    const text = await answer.text();
    let body = text;
    if (answer.headers.get('content-type')?.includes('json')) body = JSON.stringify(hooks.http(new URL(req.url!, 'http://x').pathname, JSON.parse(text)));
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  const sockets = new WebSocketServer({ server, path: '/v1/socket' });
  sockets.on('connection', (client) => {
    const upstream = new WebSocket(`ws://${relay.base}/v1/socket`);
    const early: string[] = [];
    upstream.on('open', () => early.splice(0).forEach((raw) => upstream.send(raw)));
    const socket: ClientSocket = { send: (frame) => client.send(typeof frame === 'string' ? frame : JSON.stringify(frame)) };
    client.on('message', (data) => {
      const out = hooks.client(JSON.parse(String(data)) as { type: string }, socket);
      if (out === null) return;
      const raw = JSON.stringify(out);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(raw);
      else early.push(raw);
    });
    upstream.on('message', (data) => {
      const raw = String(data);
      const out = hooks.frame(JSON.parse(raw) as RelayFrame, raw, socket);
      if (out === null) return;
      if (typeof out !== 'string') delivered.push(out);
      socket.send(out);
    });
    upstream.on('close', (code) => client.close(code === 1005 ? 1000 : code));
    client.on('close', () => upstream.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origins = { a: `http://127.0.0.1:${port}`, b: `http://localhost:${port}` };

  return {
    relay,
    url: origins.a,
    hooks,
    delivered,
    // The worker keeps keys per relay origin and site, as a browser profile does: two agents in one
    // process are told apart by reaching the wrapper under two names.
    agent: (origin = 'a') => createAgentClient({ relay: origins[origin], workerUrl: WORKER_URL }),
    visitor: ({ orgKey, origin = 'a' } = {}) => createClient({ site: SITE, relay: origins[origin], workerUrl: WORKER_URL, ...(orgKey ? { orgKey } : {}) }),
    async stop() {
      for (const client of sockets.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
      await relay.stop();
    },
  };
}

/** Resolves once `check` holds, re-checking as `signal`s change and every tick (no fixed sleeps). */
export async function until<T>(read: () => T, check: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = read();
    if (check(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
