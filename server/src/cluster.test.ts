/**
 * Three relays on one PostgreSQL (started by this file), as a reverse proxy without sticky sessions
 * would use them: whatever one relay does reaches the sockets of the others through the bus, once
 * and in order; a relay that goes away loses nothing it acknowledged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceKeys, RelayFrame } from '@threadline/sdk/protocol';
import { signBody } from './channels/signature.ts';
import { createRelay, type Relay } from './relay.ts';
import { startTestPostgres, type TestPostgres } from './storage/postgres/test-server.ts';
import { device, envelope, openSocket, startTestRelay, UNLIMITED, type TestRelay, type TestSocket } from './test-relay.ts';

const HOUR = 3600_000;
const SECRET = 'cluster-app-secret';
const meta = { appSecret: SECRET, verifyToken: 'verify-me', graphUrl: 'http://127.0.0.1:9/none', tokens: {} };

let postgres: TestPostgres;
let databaseUrl: string;
/** Node A: the test relay (its helpers seed the site and sign directories). */
let a: TestRelay;
const others: { relay: Relay; base: string; dataDir: string }[] = [];
let b: (typeof others)[number];
let c: (typeof others)[number];
/** The agent, signed in, with an approved console device. */
let agent: { token: string; agentId: string; device: DeviceKeys };

async function startNode(extra: { drainMs?: number } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'threadline-node-'));
  const relay = await createRelay({ dataDir, databaseUrl, now: () => a.clock.now, sweepIntervalMs: 3_600_000, frameDir: undefined, limits: UNLIMITED, meta, ...extra });
  const { port } = await relay.listen(0, '127.0.0.1');
  const node = { relay, base: `127.0.0.1:${port}`, dataDir };
  others.push(node);
  return node;
}

const http = (base: string, path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`http://${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) } });

async function hello(base: string, token: string): Promise<TestSocket> {
  const socket = await openSocket(base);
  socket.send({ type: 'hello', token });
  expect((await socket.next()).type).toBe('welcome');
  return socket;
}

/** The next frame of a type, the frames before it (which must be of the `skip` types) passed over. */
async function nextOf(socket: TestSocket, type: RelayFrame['type'], skip: RelayFrame['type'][] = []): Promise<RelayFrame> {
  for (;;) {
    const frame = await socket.next();
    if (frame.type === type) return frame;
    expect(skip, `unexpected ${JSON.stringify(frame).slice(0, 200)}`).toContain(frame.type);
  }
}

const entry = (keys: DeviceKeys) => ({ id: keys.id, agent: 'a', identityKey: keys.identityKey, signingKey: keys.signingKey });

/** Publishes a signed directory listing these devices, on `base`. */
async function publishDirectory(base: string, devices: DeviceKeys[]): Promise<number> {
  const signed = a.signDirectory(devices.map(entry));
  expect((await http(base, '/v1/agent/directory', { method: 'PUT', token: agent.token, body: JSON.stringify(signed) })).status).toBe(200);
  return (JSON.parse(signed.directory) as { version: number }).version;
}

async function enrol(base: string, token: string, keys: DeviceKeys): Promise<void> {
  expect((await http(base, '/v1/agent/devices', { method: 'POST', token, body: JSON.stringify({ device: keys, oneTimePrekeys: [], name: 'Console' }) })).status).toBe(200);
}

beforeAll(async () => {
  postgres = await startTestPostgres();
  databaseUrl = await postgres.createDatabase();
  a = await startTestRelay({ databaseUrl, limits: UNLIMITED, meta, frameDir: undefined });
  b = await startNode();
  c = await startNode();
  await a.relay.store.setChannels('shop', { messenger: { page: 'shop', account: '1234567890' } });
  agent = { ...(await a.agentSession()), device: device() };
  await enrol(b.base, agent.token, agent.device);
  await publishDirectory(a.base, [agent.device]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(others.map((node) => node.relay.close()));
  for (const node of others) rmSync(node.dataDir, { recursive: true, force: true });
  await a?.stop();
  await postgres?.stop();
});

describe('three relays on one PostgreSQL', () => {
  it('lets a visitor on A and an agent on B talk: approval, messages, typing and read receipts, each once and in order', async () => {
    const session = await a.agentSession();
    const laptop = device();
    await enrol(b.base, session.token, laptop);
    const inbox = await hello(b.base, session.token); // signed in before its device is approved
    const version = await publishDirectory(c.base, [agent.device, laptop]);
    expect(await inbox.next()).toEqual({ type: 'directory', version });

    const visitor = await a.register('7d');
    expect(await inbox.next()).toMatchObject({ type: 'conversation', conversation: { id: visitor.conversationId } });
    const chat = await hello(a.base, visitor.token);
    const { conversationId, expiresAt } = visitor;

    chat.send({ type: 'send', envelope: envelope(conversationId, 'v1', { device: visitor.device.id, expiresAt }) });
    expect(await chat.next()).toMatchObject({ type: 'ack', id: 'v1', seq: 1 });
    expect(await inbox.next()).toMatchObject({ type: 'message', envelope: { id: 'v1', seq: 1 } });

    inbox.send({ type: 'typing', conversationId });
    expect(await chat.next()).toEqual({ type: 'typing', conversationId, role: 'agent' });
    inbox.send({ type: 'send', envelope: envelope(conversationId, 'a1', { device: laptop.id, expiresAt, from: 'agent' }) });
    expect(await inbox.next()).toMatchObject({ type: 'ack', id: 'a1', seq: 2 });
    expect(await chat.next()).toMatchObject({ type: 'message', envelope: { id: 'a1', seq: 2, from: 'agent' } });
    chat.send({ type: 'read', conversationId, seq: 2 });
    expect(await inbox.next()).toEqual({ type: 'read', conversationId, role: 'visitor', seq: 2 });

    // Too large for a notification (8000 bytes): it travels as a reference and is read from the store.
    const large = { ...envelope(conversationId, 'v2', { device: visitor.device.id, expiresAt }), ct: 'A'.repeat(20_000) };
    chat.send({ type: 'send', envelope: large });
    expect(await chat.next()).toMatchObject({ type: 'ack', id: 'v2', seq: 3 });
    expect(await inbox.next()).toMatchObject({ type: 'message', envelope: { id: 'v2', seq: 3, ct: large.ct } });

    // Nothing came twice: the next frame each socket gets is the next one sent.
    chat.send({ type: 'typing', conversationId });
    expect(await inbox.next()).toEqual({ type: 'typing', conversationId, role: 'visitor' });
    inbox.send({ type: 'typing', conversationId });
    expect(await chat.next()).toEqual({ type: 'typing', conversationId, role: 'agent' });
    for (const s of [chat, inbox]) s.socket.close();
  });

  it('numbers one conversation’s messages without gap under writers on two relays, and every relay delivers them in that order', async () => {
    const visitor = await a.register('7d');
    const { conversationId, expiresAt } = visitor;
    const chat = await hello(a.base, visitor.token);
    const inbox = await hello(b.base, agent.token);
    const watcher = await hello(c.base, agent.token);
    const N = 60;
    for (let i = 0; i < N; i++) {
      chat.send({ type: 'send', envelope: envelope(conversationId, `v${i}`, { device: visitor.device.id, expiresAt }) });
      inbox.send({ type: 'send', envelope: envelope(conversationId, `a${i}`, { device: agent.device.id, expiresAt, from: 'agent' }) });
    }
    const [visitorSide, agentSide, watched] = await Promise.all([collect(chat, 2 * N), collect(inbox, 2 * N), collect(watcher, 2 * N)]);

    const seqOf = (item: string) => Number(item.split('@')[1]);
    const increasing = (items: string[]) => items.every((item, i) => i === 0 || seqOf(item) > seqOf(items[i - 1]!));
    // Each writer's acks follow its own order; together they are 1..2N, each once.
    expect(visitorSide.acks.map((x) => x.split('@')[0])).toEqual(Array.from({ length: N }, (_, i) => `v${i}`));
    expect(agentSide.acks.map((x) => x.split('@')[0])).toEqual(Array.from({ length: N }, (_, i) => `a${i}`));
    expect([...visitorSide.acks, ...agentSide.acks].map(seqOf).sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * N }, (_, i) => i + 1));
    // Each socket gets the other side's messages, and a third relay's socket all of them, in sequence order.
    expect(visitorSide.messages.map((x) => x.split('@')[0]).sort()).toEqual(agentSide.acks.map((x) => x.split('@')[0]).sort());
    expect(increasing(visitorSide.messages) && increasing(agentSide.messages)).toBe(true);
    expect(watched.messages.map(seqOf)).toEqual(Array.from({ length: 2 * N }, (_, i) => i + 1));
    expect(new Set([...visitorSide.acks, ...agentSide.acks])).toEqual(new Set(watched.messages));
    const stored = await c.relay.store.since(conversationId, 0);
    expect(stored.map((e) => `${e.id}@${e.seq}`)).toEqual(watched.messages);
    for (const s of [chat, inbox, watcher]) s.socket.close();
  });

  it('commits batches that take two conversations in opposite orders on two relays (no deadlock)', async () => {
    const expiresAt = a.clock.now + 24 * HOUR;
    const x = await a.relay.store.createConversation('shop', null, expiresAt);
    const y = await a.relay.store.createConversation('shop', null, expiresAt);
    const message = (conversation: string, id: string) => envelope(conversation, id, { device: 'd', expiresAt }) as never;
    for (let round = 0; round < 30; round++) {
      const results = await Promise.all([
        b.relay.store.appendBatch([message(x.id, `b${round}`), message(y.id, `b${round}`)]),
        c.relay.store.appendBatch([message(y.id, `c${round}`), message(x.id, `c${round}`)]),
      ]);
      expect(results.flat().every((r) => !(r instanceof Error))).toBe(true);
    }
    for (const conversation of [x, y]) expect((await a.relay.store.since(conversation.id, 0)).map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('brings a messenger message posted to C’s webhook to the agent on B', async () => {
    const inbox = await hello(b.base, agent.token);
    const body = readFileSync(new URL('../../tests/fixtures/meta/messenger-text.json', import.meta.url), 'utf8');
    const response = await fetch(`http://${c.base}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(SECRET, body) }, body });
    expect(await response.json()).toMatchObject({ ok: true, events: 1 });
    const created = await inbox.next();
    expect(created).toMatchObject({ type: 'conversation', conversation: { channel: { name: 'messenger' } } });
    const conversationId = created.type === 'conversation' ? created.conversation.id : '';
    expect(await inbox.next()).toMatchObject({ type: 'message', envelope: { conversationId, channel: 'messenger', seq: 1 } });
    expect(await inbox.next()).toMatchObject({ type: 'conversation', conversation: { id: conversationId, lastSeq: 1 } });
    inbox.socket.close();
  });

  it('loses nothing a relay acknowledged before it went away: its visitor resends to another relay and resyncs with no gap and no duplicate', async () => {
    const d = await startNode({ drainMs: 0 });
    const visitor = await a.register('7d');
    const { conversationId, expiresAt } = visitor;
    const inbox = await hello(b.base, agent.token);
    const chat = await hello(d.base, visitor.token);
    const outbox = Array.from({ length: 40 }, (_, i) => envelope(conversationId, `m${i}`, { device: visitor.device.id, expiresAt }));
    for (const e of outbox) chat.send({ type: 'send', envelope: e });
    const acked = new Map<string, number>();
    const first = await chat.next();
    if (first.type === 'ack') acked.set(first.id, first.seq);
    const closing = d.relay.close(); // no time to drain: sockets are cut
    for (;;) {
      const frame = await Promise.race([chat.next(), chat.closed.then(() => undefined)]);
      if (!frame) break;
      if (frame.type === 'ack') acked.set(frame.id, frame.seq);
    }
    await closing;
    expect(acked.size).toBeGreaterThan(0);

    // The client's outbox: whatever was not acknowledged goes again, in order, to another relay.
    const again = await hello(c.base, visitor.token);
    const pending = outbox.filter((e) => !acked.has(e.id));
    for (const e of pending) again.send({ type: 'send', envelope: e });
    for (const e of pending) {
      const frame = await again.next();
      expect(frame).toMatchObject({ type: 'ack', id: e.id });
      if (frame.type === 'ack') acked.set(frame.id, frame.seq);
    }
    again.send({ type: 'sync', conversationId, since: 0 });
    const synced: string[] = [];
    for (let frame = await again.next(); frame.type === 'message'; frame = await again.next()) synced.push(`${frame.envelope.id}@${frame.envelope.seq}`);
    const expected = outbox.map((e, i) => `${e.id}@${i + 1}`);
    expect(synced).toEqual(expected);
    expect([...acked].map(([id, seq]) => `${id}@${seq}`).sort()).toEqual([...expected].sort());
    // The agent, on a relay that stayed up, got each message once, in order.
    const live: string[] = [];
    while (live.length < outbox.length) {
      const frame = await nextOf(inbox, 'message', ['conversation']);
      if (frame.type === 'message') live.push(`${frame.envelope.id}@${frame.envelope.seq}`);
    }
    expect(live).toEqual(expected);
    for (const s of [again, inbox]) s.socket.close();
  });

  it('restores a relay’s bus when its connection drops: its sockets resync, /readyz says so, deliveries resume', async () => {
    const visitor = await a.register('7d');
    const chat = await hello(b.base, visitor.token);
    expect((await http(b.base, '/readyz')).status).toBe(200);
    const url = new URL(databaseUrl);
    const database = url.pathname.slice(1);
    url.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: url.href });
    await admin.connect();
    try {
      // No relay may connect for now, so B's bus stays down while the test looks.
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN threadline_bus'");
      expect(await chat.closed).toBe(1012); // it may have missed frames: the client reconnects and syncs
      const down = await http(b.base, '/readyz');
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ error: { message: expect.stringContaining('bus') } });
      expect((await http(b.base, '/healthz')).status).toBe(200);
      await expect(openSocket(b.base)).rejects.toThrow('503'); // new sockets go to another relay meanwhile
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // Every relay lost its bus; each connects again on its own (waiting 100 ms, then twice as long after each failure).
    for (const base of [a.base, b.base, c.base]) await expect.poll(async () => (await http(base, '/readyz')).status, { timeout: 15_000, interval: 50 }).toBe(200);
    const back = await hello(b.base, visitor.token);
    const otherTab = await hello(a.base, visitor.token);
    otherTab.send({ type: 'typing', conversationId: visitor.conversationId });
    expect(await back.next()).toEqual({ type: 'typing', conversationId: visitor.conversationId, role: 'visitor' });
    for (const s of [back, otherTab]) s.socket.close();
  });

  it('closes a device’s socket on B when a directory published on C revokes it', async () => {
    const session = await a.agentSession();
    const tablet = device();
    await enrol(a.base, session.token, tablet);
    await publishDirectory(c.base, [agent.device, tablet]);
    const socket = await hello(b.base, session.token);
    await publishDirectory(c.base, [agent.device]);
    expect(await socket.closed).toBe(4403);
  });

  it('runs the sweep on one relay at a time, and closes an expired conversation’s sockets on the others', async () => {
    const visitor = await a.register('24h');
    const chat = await hello(a.base, visitor.token);
    const inbox = await hello(b.base, agent.token);
    a.clock.now += 25 * HOUR;
    // While B holds the sweep's lock, C's sweep does nothing.
    await b.relay.store.exclusive('sweep', async () => {
      expect(await c.relay.sweep()).toBe(0);
      expect(await c.relay.store.conversation(visitor.conversationId)).toBeDefined();
    });
    expect(await c.relay.sweep()).toBeGreaterThanOrEqual(1);
    expect(await chat.next()).toEqual({ type: 'expired', conversationId: visitor.conversationId });
    expect(await chat.closed).toBe(4403);
    // Every conversation this file left 24 hours ago expired too: the inbox hears of each.
    for (let frame = await inbox.next(); !(frame.type === 'expired' && frame.conversationId === visitor.conversationId); frame = await inbox.next()) {
      expect(frame.type).toBe('expired');
    }
    inbox.socket.close();
  });
});

/** Reads `count` frames of a socket into its acks and the messages it was sent, as `id@seq`. */
async function collect(socket: TestSocket, count: number) {
  const acks: string[] = [];
  const messages: string[] = [];
  while (acks.length + messages.length < count) {
    const frame = await socket.next();
    if (frame.type === 'ack') acks.push(`${frame.id}@${frame.seq}`);
    else if (frame.type === 'message') messages.push(`${frame.envelope.id}@${frame.envelope.seq}`);
    // A conversation's summary may come from its registration, just before this socket said hello.
    else if (frame.type !== 'conversation') throw new Error(`unexpected ${frame.type}`);
  }
  return { acks, messages };
}
