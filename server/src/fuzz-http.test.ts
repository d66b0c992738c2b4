/**
 * HTTP fuzz against a running relay: every API route and webhook is sent seeded random requests —
 * hostile ids in the path, wrong methods, missing or forged tokens, wrong content types, bodies that
 * are garbage, truncated, of the wrong JSON kind, deeply nested, carrying prototype-pollution keys
 * or too large. Each must get a 4xx answer with a typed JSON error in Threadline's voice and the
 * security headers, never a 5xx, and nothing may be stored. THREADLINE_FUZZ_SEED replays a run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRelay, type Relay } from './index.ts';
import { b64, prng, UNLIMITED } from './test-relay.ts';

const SEED = Number(process.env.THREADLINE_FUZZ_SEED ?? randomBytes(4).readUInt32BE());
const rand = prng(SEED);

let relay: Relay;
let base: string;
let dataDir: string;
let visitorToken: string;
let agentToken: string;
let conversationId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-fuzz-http-'));
  relay = await createRelay({ dataDir, sweepIntervalMs: 3_600_000, limits: UNLIMITED, meta: { appSecret: 'fuzz-secret', verifyToken: 'fuzz-verify', graphUrl: 'http://127.0.0.1:9/none', tokens: {} } });
  await relay.store.createSite('shop', 'Shop');
  const directory = { directory: JSON.stringify({ v: 2, site: 'shop', version: 1, issuedAt: 1, orgKey: b64(32), inboxKey: b64(32), devices: [] }), signature: b64(64) };
  await relay.store.setDirectory('shop', directory, 1, []);
  const visitor = { id: b64(12), identityKey: b64(32), signingKey: b64(32), signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) } };
  const conversation = await relay.store.createConversation('shop', visitor, Date.now() + 86_400_000);
  conversationId = conversation.id;
  visitorToken = await relay.store.issueToken('visitor', conversation.id, visitor.id);
  const agentId = await relay.store.createAgent({ site: 'shop', email: 'admin@shop.test', name: 'A', role: 'admin', salt: b64(16), iterations: 1, authKey: b64(32) });
  const agentDevice = { id: b64(12), identityKey: b64(32), signingKey: b64(32), signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) } };
  await relay.store.upsertDevice('shop', agentId, 'Laptop', agentDevice);
  await relay.store.setDirectory('shop', directory, 1, [agentDevice.id]);
  agentToken = await relay.store.issueToken('agent', agentId, agentDevice.id);
  const { port } = await relay.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every route that takes a body (the API's POST and PUT routes, and the webhooks), except the
 * attachment upload, which accepts any bytes from a conversation's member by design. */
const WRITES = [
  'POST /v1/sites/:site/visitors',
  'POST /v1/agent/prelogin',
  'POST /v1/agent/session',
  'POST /v1/agent/invites',
  'POST /v1/agent/invites/accept',
  'PUT /v1/agent/org',
  'POST /v1/agent/devices',
  'POST /v1/agent/devices/prekeys',
  'PUT /v1/agent/directory',
  'PUT /v1/agent/channels',
  'POST /v1/conversations/:conversation/handoff',
  'POST /v1/agent/conversations/:conversation/channel-reply',
  'POST /v1/agent/conversations/:conversation/channel-file/whatsapp',
  'POST /v1/agent/conversations/merge',
  'POST /webhooks/whatsapp',
  'POST /webhooks/messenger',
  'POST /webhooks/instagram',
];
const READS = ['/v1/sites/:site/config', '/v1/sites/:site/devices/:id/bundle', '/v1/agent/devices', '/v1/agent/channels', '/v1/agent/conversations', '/v1/conversations/:conversation/blobs/:id'];

const HOSTILE_IDS = ['..', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%00', 'a'.repeat(65), '<script>', '%F0%9F%92%A5', '__proto__', 'constructor', ' ', '%ZZ', 'x;drop table sites'];
const HOSTILE_VALUES: (() => unknown)[] = [() => ({}), () => -1, () => 2 ** 53, () => '💥<script>', () => '\u0000', () => [[[[]]]], () => true, () => 'a'.repeat(5000)];
/** Every field any route's body takes: a body with all of them hostile is valid nowhere. */
const FIELDS = ['device', 'retention', 'email', 'authKey', 'code', 'salt', 'iterations', 'name', 'backup', 'directory', 'signature', 'signedPrekey', 'oneTimePrekeys', 'channel', 'text', 'from', 'into', 'whatsapp', 'messenger', 'instagram', 'object', 'entry'];
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

function hostileBody(): string | Buffer {
  switch (rand.int(8)) {
    case 0:
      return randomBytes(rand.int(300));
    case 1: {
      const text = JSON.stringify({ device: { id: b64(12) }, retention: '7d', email: 'a@b.c' });
      return text.slice(0, rand.int(text.length));
    }
    case 2:
      // (An object without fields is valid where every field is optional, e.g. clearing the messenger settings.)
      return rand.pick(['', 'null', '0', '"x"', '[]', '1e400', deep(10_000), '[{"__proto__":{"polluted":true}}]', '{"constructor":{"prototype":{"polluted":true}},"whatsapp":7}']);
    case 3:
      // Larger than any body limit (64 KiB for the API, 1 MiB for webhooks).
      return JSON.stringify({ pad: 'x'.repeat(rand.int(2) ? 70_000 : 1_100_000) });
    default: {
      const body: Record<string, unknown> = JSON.parse('{"__proto__":{"polluted":true}}');
      for (const field of FIELDS) body[field] = rand.pick(HOSTILE_VALUES)();
      return JSON.stringify(body);
    }
  }
}

function hostilePath(template: string): string {
  return template
    .replace(':site', rand.int(3) ? 'shop' : rand.pick(HOSTILE_IDS))
    .replace(':conversation', rand.int(3) ? conversationId : rand.pick(HOSTILE_IDS))
    .replace(':id', rand.int(2) ? b64(9) : rand.pick(HOSTILE_IDS));
}

function hostileRequest(): { method: string; path: string; headers: Record<string, string>; body?: string | Buffer } {
  const auth = rand.pick([undefined, `Bearer ${b64(32)}`, 'Bearer', `Basic ${b64(12)}`, `Bearer ${visitorToken}`, `Bearer ${visitorToken}x`, `Bearer ${agentToken}`, `Bearer ${agentToken}`]);
  const headers: Record<string, string> = {
    ...(auth ? { authorization: auth } : {}),
    ...(rand.int(5) ? { 'content-type': rand.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) } : {}),
    ...(rand.int(3) ? {} : { 'x-hub-signature-256': rand.pick(['sha256=', `sha256=${'0'.repeat(64)}`, `sha1=${'a'.repeat(40)}`, 'garbage']) }),
  };
  switch (rand.int(4)) {
    case 0:
    case 1: {
      const [method, template] = rand.pick(WRITES).split(' ') as [string, string];
      return { method, path: hostilePath(template), headers, body: hostileBody() };
    }
    case 2:
      // A route with a method it does not take.
      return { method: rand.pick(['DELETE', 'PATCH']), path: hostilePath(rand.pick([...READS, ...WRITES.map((w) => w.split(' ')[1]!)])), headers, body: hostileBody() };
    default:
      // Reads with a forged session, or hostile ids.
      return { method: 'GET', path: hostilePath(rand.pick(READS.slice(1))), headers: { ...headers, authorization: rand.pick([`Bearer ${b64(32)}`, 'Bearer ']) } };
  }
}

const counts = () => relay.store.rowCounts();

it('answers 1,500 hostile HTTP requests with typed 4xx errors and stores nothing', async () => {
  const started = Date.now();
  const before = await counts();
  const statuses = new Map<number, number>();
  const TOTAL = 1_500;
  for (let i = 0; i < TOTAL; i++) {
    const request = hostileRequest();
    const payload = typeof request.body === 'string' || request.body === undefined ? request.body : new Uint8Array(request.body);
    const response = await fetch(base + request.path, { method: request.method, headers: request.headers, ...(payload !== undefined ? { body: payload } : {}) }).catch((error: Error) => {
      throw new Error(`seed ${SEED}, request ${i}: ${request.method} ${request.path} ${JSON.stringify(request.headers)} body ${String(request.body).length} bytes: ${error.message} ${String((error.cause as Error)?.message)}`);
    });
    const text = await response.text();
    const what = `seed ${SEED}, request ${i}: ${request.method} ${request.path} → ${response.status} ${text.slice(0, 200)}`;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    expect(response.status, what).toBeGreaterThanOrEqual(400);
    expect(response.status, what).toBeLessThan(500);
    expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code, what).toMatch(/^(bad_frame|too_large|unauthorized|forbidden|not_found|conflict|gone)$/);
    expect(body.error.message, what).toMatch(/^Threadline: failed to /);
  }
  expect(await counts()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200);
  console.log(`HTTP fuzz: seed ${SEED}; ${TOTAL} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 120_000);
