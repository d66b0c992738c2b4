/** A relay on a free loopback port with a temporary data directory and a clock the test moves: for the relay's tests. */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { DeviceKeys, Directory, RelayFrame } from '@threadline/sdk/protocol';
import { DEFAULT_LIMITS } from './rate-limit.ts';
import { createRelay, type Relay, type RelayOptions } from './relay.ts';
import { signedPrekeyMessage } from './verify.ts';

/** Every rate limit far above what a test sends: for tests of something else than the limits (limits.test.ts tests those). */
export const UNLIMITED = Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((kind) => [kind, { capacity: 1e9, perMinute: 1e9 }]));

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]! };
}

/** A socket to the relay at `base` (host:port) that queues the frames it receives, so a test can await them in order. */
export async function openSocket(base: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`ws://${base}/v1/socket`, { headers });
  const frames: RelayFrame[] = [];
  const waiters: ((frame: RelayFrame) => void)[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as RelayFrame;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    closed,
    send: (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: () => (frames.length ? Promise.resolve(frames.shift()!) : new Promise<RelayFrame>((resolve) => waiters.push(resolve))),
  };
}

export const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
/** A device's public keys, its signing key vouching for the others as a real device's does. */
export function device(): DeviceKeys {
  const signing = generateKeyPairSync('ed25519');
  const identityKey = b64(32);
  const prekey = b64(32);
  const signature = sign(null, signedPrekeyMessage(identityKey, prekey), signing.privateKey);
  const signingKey = signing.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64url');
  return { id: b64(12), identityKey, signingKey, signedPrekey: { id: 1, publicKey: prekey, signature: signature.toString('base64url') } };
}

export interface TestRelay {
  relay: Relay;
  dataDir: string;
  base: string;
  clock: { now: number };
  http(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  register(retention?: string, headers?: Record<string, string>): Promise<{ conversationId: string; token: string; expiresAt: number; device: DeviceKeys }>;
  agentSession(role?: 'admin' | 'member'): Promise<{ token: string; agentId: string }>;
  /** A member with a registered device that the site's signed directory lists, as the inbox needs. */
  approvedAgent(): Promise<{ token: string; agentId: string; deviceId: string }>;
  /** Signs a directory listing these agent devices with the site's organisation key. */
  signDirectory(devices: Directory['devices']): { directory: string; signature: string };
  connect(headers?: Record<string, string>): Promise<TestSocket>;
  stop(): Promise<void>;
}

export interface TestSocket {
  socket: WebSocket;
  closed: Promise<number>;
  send(frame: unknown): void;
  next(): Promise<RelayFrame>;
}

export async function startTestRelay(options: Partial<RelayOptions> = {}): Promise<TestRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-hardening-'));
  const clock = { now: Date.now() };
  const relay = await createRelay({ dataDir, now: () => clock.now, sweepIntervalMs: 3_600_000, ...options });
  const org = generateKeyPairSync('ed25519');
  const orgKey = (org.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('base64url');
  let version = 1;
  const agentSession = async (role: 'admin' | 'member' = 'admin') => {
    const agentId = await relay.store.createAgent({ site: 'shop', email: `a${b64(6)}@shop.test`, name: 'A', role, salt: b64(16), iterations: 1, authKey: b64(32) });
    return { agentId, token: await relay.store.issueToken('agent', agentId) };
  };
  const signDirectory = (devices: Directory['devices']) => {
    const directory: Directory = { v: 2, site: 'shop', version: version++, issuedAt: clock.now, orgKey, inboxKey: b64(32), devices };
    const text = JSON.stringify(directory);
    return { directory: text, signature: sign(null, Buffer.from(text), org.privateKey).toString('base64url') };
  };
  await relay.store.createSite('shop', 'Shop');
  await relay.store.setOrgKey('shop', orgKey);
  await relay.store.setDirectory('shop', signDirectory([]), 1, []);
  const { port } = await relay.listen(0, '127.0.0.1');
  const base = `127.0.0.1:${port}`;

  const http = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`http://${base}${path}`, {
      ...init,
      headers: { ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string>) },
    });

  return {
    relay,
    dataDir,
    base,
    clock,
    http,
    signDirectory,
    async register(retention = '7d', headers = {}) {
      const visitor = device();
      const response = await http('/v1/sites/shop/visitors', { method: 'POST', body: JSON.stringify({ device: visitor, retention }), headers });
      if (response.status !== 200) throw new Error(`register: ${response.status} ${await response.text()}`);
      return { ...(await response.json()), device: visitor };
    },
    agentSession,
    async approvedAgent() {
      const agent = await agentSession('member');
      const laptop = device();
      await http('/v1/agent/devices', { method: 'POST', token: agent.token, body: JSON.stringify({ device: laptop, oneTimePrekeys: [], name: 'Laptop' }) });
      const admin = await agentSession('admin');
      const entry = { id: laptop.id, agent: 'a', identityKey: laptop.identityKey, signingKey: laptop.signingKey };
      const published = await http('/v1/agent/directory', { method: 'PUT', token: admin.token, body: JSON.stringify(signDirectory([entry])) });
      if (published.status !== 200) throw new Error(`directory: ${published.status} ${await published.text()}`);
      return { ...agent, deviceId: laptop.id };
    },
    connect: (headers: Record<string, string> = {}) => openSocket(base, headers),
    async stop() {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An envelope as a client sends it (ciphertext is opaque to the relay). */
export const envelope = (conversationId: string, id: string, sender: { device: string; expiresAt: number; from?: string }) => ({
  v: 2,
  conversationId,
  id,
  from: sender.from ?? 'visitor',
  device: sender.device,
  expiresAt: sender.expiresAt,
  iv: 'AAAAAAAAAAAAAAAA',
  ct: 'Y2lwaGVydGV4dA',
  keys: [],
});
