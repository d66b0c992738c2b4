/**
 * The relay over PostgreSQL, through its real HTTP and WebSocket API, on a PostgreSQL this file
 * starts itself: messages, history, attachments and expiry live in the database, and two relays
 * started on one database share it.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay } from './relay.ts';
import { startTestPostgres, type TestPostgres } from './storage/postgres/test-server.ts';
import { envelope, openSocket, startTestRelay, UNLIMITED, type TestRelay } from './test-relay.ts';

const HOUR = 3600_000;
let postgres: TestPostgres;
let databaseUrl: string;
let t: TestRelay;

beforeAll(async () => {
  postgres = await startTestPostgres();
  databaseUrl = await postgres.createDatabase();
  t = await startTestRelay({ databaseUrl, limits: UNLIMITED });
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await postgres?.stop();
});

describe('a relay on PostgreSQL', () => {
  it('stores, acknowledges, forwards and replays messages, with attachments, and keeps nothing in its data directory', async () => {
    const visitor = await t.register('24h');
    const agent = await t.agentSession();
    const inbox = await t.connect();
    inbox.send({ type: 'hello', token: agent.token });
    expect(await inbox.next()).toEqual({ type: 'welcome', role: 'agent' });
    const socket = await t.connect();
    socket.send({ type: 'hello', token: visitor.token });
    expect(await socket.next()).toEqual({ type: 'welcome', role: 'visitor' });
    for (const id of ['m1', 'm2', 'm1']) socket.send({ type: 'send', envelope: envelope(visitor.conversationId, id, { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
    expect(await socket.next()).toMatchObject({ type: 'ack', id: 'm1', seq: 1 });
    expect(await socket.next()).toMatchObject({ type: 'ack', id: 'm2', seq: 2 });
    expect(await socket.next()).toMatchObject({ type: 'ack', id: 'm1', seq: 1 }); // a resend: the original's number

    const blob = Buffer.alloc(600 * 1024, 7);
    const upload = await t.http(`/v1/conversations/${visitor.conversationId}/blobs/b1`, { method: 'PUT', token: visitor.token, body: blob, headers: { 'content-type': 'application/octet-stream' } });
    expect(upload.status).toBe(200);
    const download = await t.http(`/v1/conversations/${visitor.conversationId}/blobs/b1`, { token: visitor.token });
    expect(Buffer.from(await download.arrayBuffer()).equals(blob)).toBe(true);
    expect((await t.http(`/v1/conversations/${visitor.conversationId}/blobs/b1`, { method: 'PUT', token: visitor.token, body: 'again' })).status).toBe(409);

    const replay = await t.connect();
    replay.send({ type: 'hello', token: visitor.token });
    await replay.next();
    replay.send({ type: 'sync', conversationId: visitor.conversationId, since: 0 });
    const frames = [await replay.next(), await replay.next(), await replay.next()];
    expect(frames.map((f) => (f.type === 'message' ? f.envelope.id : f.type))).toEqual(['m1', 'm2', 'synced']);
    expect(readdirSync(t.dataDir)).toEqual([]); // no SQLite file, no blob directory

    t.clock.now += 25 * HOUR;
    expect(await t.relay.sweep()).toBe(1);
    expect(await socket.closed).toBe(4403);
    expect(await t.relay.store.holding([visitor.conversationId, visitor.device.id])).toEqual([]);
    for (const s of [inbox, replay]) s.socket.close();
  });

  it('lets a second relay on the same database serve the same conversations', async () => {
    const visitor = await t.register('7d');
    const socket = await t.connect();
    socket.send({ type: 'hello', token: visitor.token });
    await socket.next();
    socket.send({ type: 'send', envelope: envelope(visitor.conversationId, 'first', { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
    expect(await socket.next()).toMatchObject({ type: 'ack', seq: 1 });

    const dataDir = mkdtempSync(join(tmpdir(), 'threadline-second-'));
    const second = await createRelay({ dataDir, databaseUrl, now: () => t.clock.now, sweepIntervalMs: 3_600_000, frameDir: undefined });
    try {
      const { port } = await second.listen(0, '127.0.0.1');
      const elsewhere = await openSocket(`127.0.0.1:${port}`);
      elsewhere.send({ type: 'hello', token: visitor.token }); // the session made on the first relay
      expect(await elsewhere.next()).toEqual({ type: 'welcome', role: 'visitor' });
      elsewhere.send({ type: 'send', envelope: envelope(visitor.conversationId, 'second', { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
      expect(await elsewhere.next()).toMatchObject({ type: 'ack', id: 'second', seq: 2 });
      elsewhere.send({ type: 'sync', conversationId: visitor.conversationId, since: 0 });
      const ids = [await elsewhere.next(), await elsewhere.next()].map((f) => (f.type === 'message' ? f.envelope.id : f.type));
      expect(ids).toEqual(['first', 'second']);
      elsewhere.socket.close();
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(existsSync(join(t.dataDir, 'threadline.sqlite'))).toBe(false);
    socket.socket.close();
  });
});
