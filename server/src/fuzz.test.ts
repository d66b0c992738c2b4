/**
 * Protocol fuzz against a running relay: over 50,000 random and mutated WebSocket frames (valid
 * frames with a field deleted or replaced by a hostile value, truncated or corrupted JSON, random
 * text, JSON of the wrong kind, deep nesting, prototype-pollution keys, binary and oversized frames)
 * from a visitor's, an agent's and an unauthenticated socket. Every one must be answered with one
 * typed error frame the SDK can parse; invalid UTF-8, frames over twice the limit and a forged hello
 * must end the socket with their documented close codes. Meanwhile a visitor and an agent keep
 * talking, and every message arrives once, in order. The relay's heap after GC must stay flat.
 * The generator is seeded: set THREADLINE_FUZZ_SEED to replay a run (the seed is printed).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_FRAME_BYTES, parseRelayFrame, type RelayFrame } from '@threadline/sdk/protocol';
import { createRelay, type Relay } from './index.ts';
import { b64, prng, UNLIMITED } from './test-relay.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SEED = Number(process.env.THREADLINE_FUZZ_SEED ?? randomBytes(4).readUInt32BE());
const rand = prng(SEED);

const key = () => b64(32);
const device = () => ({ id: b64(12), identityKey: key(), signingKey: key(), signedPrekey: { id: 1, publicKey: key(), signature: b64(64) } });

let relay: Relay;
let base: string;
let dataDir: string;
let visitor: { conversationId: string; token: string; expiresAt: number; deviceId: string };
let agent: { token: string; deviceId: string };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-fuzz-'));
  relay = await createRelay({ dataDir, sweepIntervalMs: 3_600_000, limits: UNLIMITED });
  const { store } = relay;
  await store.createSite('shop', 'Shop');
  const directory = { directory: JSON.stringify({ v: 2, site: 'shop', version: 1, issuedAt: 1, orgKey: key(), inboxKey: key(), devices: [] }), signature: b64(64) };
  const agentDevice = device();
  const agentId = await store.createAgent({ site: 'shop', email: 'fuzz@shop.test', name: 'F', role: 'admin', salt: b64(16), iterations: 1, authKey: key() });
  await store.upsertDevice('shop', agentId, 'Laptop', agentDevice);
  await store.setDirectory('shop', directory, 1, [agentDevice.id]);
  agent = { token: await store.issueToken('agent', agentId, agentDevice.id), deviceId: agentDevice.id };
  const visitorDevice = device();
  const conversation = await store.createConversation('shop', visitorDevice, Date.now() + 86_400_000);
  visitor = { conversationId: conversation.id, token: await store.issueToken('visitor', conversation.id, visitorDevice.id), expiresAt: conversation.expiresAt, deviceId: visitorDevice.id };
  const { port } = await relay.listen(0, '127.0.0.1');
  base = `ws://127.0.0.1:${port}/v1/socket`;
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A socket whose received frames are parsed as the SDK parses them and queued. */
async function open(token?: string) {
  const socket = new WebSocket(base);
  const frames: RelayFrame[] = [];
  const unparsed: string[] = [];
  let wake = () => {};
  socket.on('message', (data) => {
    try {
      frames.push(parseRelayFrame(String(data)));
    } catch {
      unparsed.push(String(data).slice(0, 200));
    }
    wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const until = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (seed ${SEED})`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  const client = { socket, frames, unparsed, closed, until };
  if (token) {
    socket.send(JSON.stringify({ type: 'hello', token }));
    await until(() => frames.length > 0, 'welcome');
    expect(frames.shift()).toMatchObject({ type: 'welcome' });
  }
  return client;
}

// ---- the generator ----

const envelope = (from: 'visitor' | 'agent', id: string) => ({
  v: 2,
  conversationId: visitor.conversationId,
  id,
  from,
  device: from === 'visitor' ? visitor.deviceId : agent.deviceId,
  expiresAt: visitor.expiresAt,
  iv: b64(12),
  ct: b64(40),
  keys: [{ to: b64(12), h: { s: b64(32), dh: key(), pn: 0, n: 3 }, k: b64(48) }],
});

/** Valid frames of every client type, and the paths of their required fields. */
function validFrame(): Record<string, unknown> {
  switch (rand.int(5)) {
    case 0:
      return { type: 'hello', token: b64(32) };
    case 1:
      return { type: 'send', envelope: envelope('visitor', b64(9)) };
    case 2:
      return { type: 'sync', conversationId: visitor.conversationId, since: rand.int(100) };
    case 3:
      return { type: 'typing', conversationId: visitor.conversationId };
    default:
      return { type: 'read', conversationId: visitor.conversationId, seq: rand.int(100) };
  }
}

/** Every path to a required (never optional or nullable) field of a valid frame. */
function requiredPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [path];
  return [...(path.length ? [path] : []), ...Object.entries(value).flatMap(([k, v]) => requiredPaths(v, [...path, k]))];
}

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** Values no field of any client frame accepts. */
const HOSTILE: (() => unknown)[] = [
  () => ({}),
  () => true,
  () => -1,
  () => 1.5,
  () => 2 ** 53,
  () => -(2 ** 63),
  () => 1e308,
  () => '💥<script>__xss()</script>',
  () => '\u0000',
  () => ' '.repeat(rand.int(200) + 1),
  () => 'A'.repeat(MAX_FRAME_BYTES - 1000) + '=',
  () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  () => [[[{ polluted: true }]]],
  () => JSON.parse(deep(2000)),
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown, remove: boolean): void {
  let node = target as Record<string, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (remove) delete node[last];
  else node[last] = value;
}

const BREAKERS = ['{', '}', '"', '\u0000'];
/** One frame the relay must answer with exactly one error frame, and how it was made. */
function hostileFrame(): { data: string | Buffer; binary: boolean; kind: string } {
  const frame = validFrame();
  const text = JSON.stringify(frame);
  switch (rand.int(10)) {
    case 0:
    case 1: {
      const paths = requiredPaths(frame);
      setPath(frame, rand.pick(paths), undefined, true);
      return { data: JSON.stringify(frame), binary: false, kind: 'field deleted' };
    }
    case 2:
    case 3: {
      setPath(frame, rand.pick(requiredPaths(frame)), rand.pick(HOSTILE)(), false);
      // Pollution keys beside the broken field: dropped by the parser, never merged into a prototype.
      const polluted = JSON.stringify(frame).replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},');
      return { data: polluted, binary: false, kind: 'field replaced' };
    }
    case 4:
      return { data: text.slice(0, rand.int(text.length)), binary: false, kind: 'truncated' };
    case 5: {
      const at = rand.int(text.length);
      const breaker = rand.pick(BREAKERS.filter((b) => b !== text[at]));
      return { data: text.slice(0, at) + breaker + text.slice(at + 1), binary: false, kind: 'byte replaced' };
    }
    case 6: {
      const chars = Array.from({ length: rand.int(300) }, () => String.fromCodePoint(rand.pick([rand.int(0x80), rand.int(0xd800), 0x10000 + rand.int(0x1000)])));
      return { data: chars.join(''), binary: false, kind: 'random text' };
    }
    case 7:
      return { data: rand.pick(['null', '0', '-0', '1e400', '"hello"', '[]', '[{"type":"sync"}]', deep(5000), '{"type":{"type":"sync"}}', '{"type":"__proto__"}', '{"type":"constructor"}', '{"type":"toString"}']), binary: false, kind: 'wrong JSON' };
    case 8:
      return rand.int(20) === 0 ? { data: 'x'.repeat(MAX_FRAME_BYTES + 1 + rand.int(MAX_FRAME_BYTES - 1)), binary: false, kind: 'oversized' } : { data: randomBytes(rand.int(512)), binary: true, kind: 'binary' };
    default: {
      // Unknown or mistyped frame types, with otherwise valid fields.
      return { data: JSON.stringify({ ...frame, type: rand.pick(['Send', 'SYNC', 'hello ', 'ack', 'message', 'welcome', 'error', '', 'typing\u0000', 7, null, ['sync']]) }), binary: false, kind: 'unknown type' };
    }
  }
}

const ERROR_CODES = ['bad_frame', 'too_large', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'gone', 'internal'];

/** Sends `count` hostile frames in batches; each batch ends with a barrier (a sync past any message). */
async function fuzz(client: Awaited<ReturnType<typeof open>>, count: number, barrier: boolean, kinds: Map<string, number>, between?: () => Promise<void>) {
  const BATCH = 500;
  let errors = 0;
  for (let sent = 0; sent < count; sent += BATCH) {
    const n = Math.min(BATCH, count - sent);
    for (let i = 0; i < n; i++) {
      const { data, binary, kind } = hostileFrame();
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      client.socket.send(data, { binary });
    }
    const mark = Number.MAX_SAFE_INTEGER - sent;
    if (barrier) client.socket.send(JSON.stringify({ type: 'sync', conversationId: visitor.conversationId, since: mark }));
    const expected = n + (barrier ? 1 : 0);
    // The conversation's own messages reach these sockets too; they are not answers.
    const answers = () => client.frames.filter((frame) => frame.type !== 'message');
    await client.until(() => answers().length + client.unparsed.length >= expected, `answers to frames ${sent}..${sent + n}`);
    expect(client.unparsed, `seed ${SEED}`).toEqual([]);
    const batch = answers();
    client.frames.length = 0;
    const errorFrames = batch.slice(0, n);
    for (const answer of errorFrames) {
      expect(answer.type, `seed ${SEED}: ${JSON.stringify(answer).slice(0, 200)}`).toBe('error');
      const { code, message } = answer as Extract<RelayFrame, { type: 'error' }>;
      expect(ERROR_CODES).toContain(code);
      expect(code).not.toBe('internal');
      expect(message).toMatch(/^Threadline: failed to /);
    }
    errors += errorFrames.length;
    expect(batch.slice(n)).toEqual(barrier ? [{ type: 'synced', conversationId: visitor.conversationId, seq: mark }] : []);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await between?.();
  }
  return errors;
}

/** A visitor and an agent exchange one message each way; both see both, acked and in order. */
function conversation() {
  let n = 0;
  const seen = { visitor: [] as string[], agent: [] as string[] };
  return {
    seen,
    async start() {
      const v = await open(visitor.token);
      const a = await open(agent.token);
      return { v, a };
    },
    async exchange(v: Awaited<ReturnType<typeof open>>, a: Awaited<ReturnType<typeof open>>) {
      n++;
      const fromVisitor = `v${n}`;
      const fromAgent = `a${n}`;
      v.socket.send(JSON.stringify({ type: 'send', envelope: envelope('visitor', fromVisitor) }));
      a.socket.send(JSON.stringify({ type: 'send', envelope: envelope('agent', fromAgent) }));
      const has = (c: typeof v, id: string, type: string) => c.frames.some((f) => f.type === type && (type === 'ack' ? (f as { id: string }).id === id : (f as { envelope: { id: string } }).envelope.id === id));
      await v.until(() => has(v, fromVisitor, 'ack') && has(v, fromAgent, 'message'), `legitimate message ${n} to the visitor`);
      await a.until(() => has(a, fromAgent, 'ack') && has(a, fromVisitor, 'message'), `legitimate message ${n} to the agent`);
      for (const [client, side] of [[v, 'visitor'], [a, 'agent']] as const) {
        for (const frame of client.frames.splice(0)) {
          if (frame.type === 'message') seen[side].push(`${frame.envelope.id}@${frame.envelope.seq}`);
          else if (frame.type !== 'ack' && frame.type !== 'conversation') throw new Error(`unexpected ${JSON.stringify(frame)}`);
        }
      }
    },
  };
}

/** Frames that must close the socket, with the close code ws and the relay document. */
async function closers(kinds: Map<string, number>): Promise<number> {
  const cases: [string, () => { data: string | Buffer; binary: boolean }, number][] = [
    // RFC 6455 §8.1: a text frame that is not UTF-8 fails the connection with 1007.
    ['invalid UTF-8', () => ({ data: Buffer.concat([Buffer.from('{"type":"sync","x":"'), rand.pick([Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])])]), binary: false }), 1007],
    // Over the socket's maxPayload (twice MAX_FRAME_BYTES): 1009, message too big.
    ['over twice the limit', () => ({ data: 'x'.repeat(MAX_FRAME_BYTES * 2 + 1 + rand.int(1000)), binary: rand.int(2) === 0 }), 1009],
    // A well-formed hello with a token the relay never issued: 4401.
    ['forged hello', () => ({ data: JSON.stringify({ type: 'hello', token: b64(32) }), binary: false }), 4401],
  ];
  let total = 0;
  for (const [kind, make, code] of cases) {
    for (let i = 0; i < 40; i++) {
      const client = await open();
      const { data, binary } = make();
      client.socket.send(data, { binary });
      expect(await client.closed, `${kind}, seed ${SEED}`).toBe(code);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      total++;
    }
  }
  return total;
}

it('answers 50,000 hostile frames with typed errors while a conversation carries on, with a flat heap', async () => {
  const started = Date.now();
  const kinds = new Map<string, number>();
  const talk = conversation();
  const { v, a } = await talk.start();
  const fuzzVisitor = await open(visitor.token);
  const fuzzAgent = await open(agent.token);

  // Warm up (JIT, statement cache, socket buffers), then measure the heap after GC.
  let errors = await fuzz(fuzzVisitor, 3_000, true, kinds);
  await talk.exchange(v, a);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;

  errors += await fuzz(fuzzVisitor, 36_000, true, kinds, () => talk.exchange(v, a));
  errors += await fuzz(fuzzAgent, 8_000, true, kinds, () => talk.exchange(v, a));
  // An unauthenticated socket: each batch on a fresh one (the relay closes a silent socket after 10 s).
  for (let i = 0; i < 8; i++) {
    const anonymous = await open();
    errors += await fuzz(anonymous, 500, false, kinds);
    anonymous.socket.close();
  }
  const closed = await closers(kinds);
  await talk.exchange(v, a);

  for (const client of [v, a, fuzzVisitor, fuzzAgent]) client.socket.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const growth = heapAfter - heapBefore;

  // The legitimate conversation: every message reached the other side once, in sequence order.
  const rounds = talk.seen.visitor.length;
  expect(rounds).toBeGreaterThan(80);
  for (const side of ['visitor', 'agent'] as const) {
    const seqs = talk.seen[side].map((s) => Number(s.split('@')[1]));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(talk.seen[side]).size).toBe(talk.seen[side].length);
  }
  expect((await relay.store.since(visitor.conversationId, 0)).map((e) => e.id).sort()).toEqual(
    Array.from({ length: rounds }, (_, i) => [`v${i + 1}`, `a${i + 1}`]).flat().sort(),
  );
  // Nothing leaked into a prototype.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');

  console.log(
    `protocol fuzz: seed ${SEED}; ${errors} frames answered with typed errors, ${closed} sockets closed with their codes; ` +
      `${rounds} legitimate round trips; heap after GC ${(heapBefore / 1e6).toFixed(1)} → ${(heapAfter / 1e6).toFixed(1)} MB (${(growth / 1e6).toFixed(2)} MB); ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s; kinds ${JSON.stringify(Object.fromEntries(kinds))}`,
  );
  expect(errors).toBeGreaterThanOrEqual(50_000);
  // Bound: a leak of one small object per frame (≥ 100 bytes) over 50,000 frames is ≥ 5 MB; the
  // rest is the conversation's ~200 stored envelopes and V8's own noise (well under 1 MB here).
  expect(growth).toBeLessThan(4 * 1024 * 1024);
}, 170_000);
