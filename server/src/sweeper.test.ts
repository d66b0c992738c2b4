import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { device, envelope, startTestRelay, type TestRelay, type TestSocket } from './test-relay.ts';

const HOUR = 3600_000;
let t: TestRelay;

beforeAll(async () => {
  t = await startTestRelay({ sweepIntervalMs: 50 });
});
afterAll(() => t.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A visitor with a stored message and an attachment, and its socket. */
async function visitorWithHistory(retention: string) {
  const visitor = await t.register(retention);
  const socket = await t.connect();
  socket.send({ type: 'hello', token: visitor.token });
  expect(await socket.next()).toEqual({ type: 'welcome', role: 'visitor' });
  socket.send({ type: 'send', envelope: envelope(visitor.conversationId, 'm1', { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
  expect(await socket.next()).toMatchObject({ type: 'ack', seq: 1 });
  const upload = await t.http(`/v1/conversations/${visitor.conversationId}/blobs/b1`, { method: 'PUT', token: visitor.token, body: new Uint8Array(300), headers: { 'content-type': 'application/octet-stream' } });
  expect(upload.status).toBe(200);
  return { ...visitor, socket };
}

/** The next `expired` frame, past the conversation and message frames an agent's socket also gets. */
async function expiredFrame(socket: TestSocket) {
  for (;;) {
    const frame = await socket.next();
    if (frame.type === 'expired') return frame;
  }
}

/** What the relay still holds of a conversation: its row, envelopes, tokens, visitor device and blobs. */
async function held(visitor: { conversationId: string; token: string; device: { id: string } }) {
  const store = t.relay.store;
  return {
    conversation: (await store.conversation(visitor.conversationId)) ? 1 : 0,
    envelopes: (await store.since(visitor.conversationId, 0)).length,
    tokens: (await store.principal(visitor.token)) ? 1 : 0,
    device: (await store.holding([visitor.device.id])).some((found) => found.startsWith('devices.')) ? 1 : 0,
    blobs: (await store.blobs.exists(visitor.conversationId, 'b1')) ? 1 : 0,
  };
}

describe('retention sweeper (scheduled, on the relay’s clock)', () => {
  it('deletes an expired conversation from the database and blob storage, tells its sockets, and keeps the others', async () => {
    const day = await visitorWithHistory('24h');
    const week = await visitorWithHistory('7d');
    const full = { conversation: 1, envelopes: 1, tokens: 1, device: 1, blobs: 1 };
    expect(await held(day)).toEqual(full);

    // Not yet: a sweep just before the expiry keeps everything.
    t.clock.now += 23 * HOUR;
    await sleep(200);
    expect(await held(day)).toEqual(full);

    // An approved agent device, to see the inbox told as well (signed in now: a session lasts 12 hours).
    const agent = await t.agentSession();
    const console_ = device();
    const enrol = await t.http('/v1/agent/devices', { method: 'POST', token: agent.token, body: JSON.stringify({ device: console_, oneTimePrekeys: [], name: 'Console' }) });
    expect(enrol.status).toBe(200);
    const approval = t.signDirectory([{ id: console_.id, agent: 'a', identityKey: console_.identityKey, signingKey: console_.signingKey }]);
    expect((await t.http('/v1/agent/directory', { method: 'PUT', token: agent.token, body: JSON.stringify(approval) })).status).toBe(200);
    const inbox = await t.connect();
    inbox.send({ type: 'hello', token: agent.token });
    expect(await inbox.next()).toEqual({ type: 'welcome', role: 'agent' });

    t.clock.now += 2 * HOUR;
    expect(await expiredFrame(day.socket)).toEqual({ type: 'expired', conversationId: day.conversationId });
    expect(await day.socket.closed).toBe(4403);
    expect(await expiredFrame(inbox)).toEqual({ type: 'expired', conversationId: day.conversationId });
    const gone = { conversation: 0, envelopes: 0, tokens: 0, device: 0, blobs: 0 };
    expect(await held(day)).toEqual(gone);
    expect(existsSync(join(t.dataDir, 'blobs', day.conversationId))).toBe(false);
    expect(await held(week)).toEqual(full);
    expect(week.socket.socket.readyState).toBe(week.socket.socket.OPEN);

    // The old session opens nothing any more.
    expect((await t.http(`/v1/conversations/${day.conversationId}/blobs/b1`, { token: day.token })).status).toBe(401);
    const again = await t.connect();
    again.send({ type: 'hello', token: day.token });
    expect(await again.closed).toBe(4401);

    t.clock.now += 6 * 24 * HOUR;
    expect(await expiredFrame(week.socket)).toEqual({ type: 'expired', conversationId: week.conversationId });
    expect(await held(week)).toEqual(gone);
    expect(readdirSync(join(t.dataDir, 'blobs'))).toEqual([]);
    inbox.socket.close();
  });

  it('also deletes expired agent sessions, invitations and handoff references, keeping live ones', async () => {
    const agent = await t.agentSession();
    const code = await t.relay.store.createInvite('shop', 'new@shop.test', 'New');
    await t.relay.store.setChannels('shop', { whatsapp: { phone: '15550001111', account: '1' } });
    const visitor = await t.register('1y');
    expect((await t.http(`/v1/conversations/${visitor.conversationId}/handoff`, { method: 'POST', token: visitor.token, body: '{"channel":"whatsapp"}' })).status).toBe(200);
    const count = async (table: string) => (await t.relay.store.rowCounts())[table] ?? 0;
    const before = { tokens: await count('tokens'), invites: await count('invites'), handoffs: await count('handoffs') };
    expect(before.invites).toBe(1);

    t.clock.now += 13 * HOUR; // agent sessions last 12 hours
    await sleep(200);
    expect((await t.http('/v1/agent/channels', { token: agent.token })).status).toBe(401);
    expect(await count('tokens')).toBe(before.tokens - 1);
    expect(await count('handoffs')).toBe(before.handoffs);
    t.clock.now += 12 * HOUR; // handoff references last 24 hours
    await sleep(200);
    expect(await count('handoffs')).toBe(before.handoffs - 1);
    expect(await count('invites')).toBe(1);
    t.clock.now += 7 * 24 * HOUR; // invitations last 7 days
    await sleep(200);
    expect(await count('invites')).toBe(0);
    expect(await t.relay.store.takeInvite(code)).toBeUndefined();
    expect(await t.relay.store.principal(visitor.token)).toBeDefined(); // the visitor's year is not over
  });

  it('gives new conversations an expiry on the relay’s clock, not the machine’s', async () => {
    t.clock.now += 365 * 24 * HOUR;
    const visitor = await t.register('24h');
    expect(visitor.expiresAt).toBe(t.clock.now + 24 * HOUR);
  });
});

/**
 * Every trace of a conversation the relay can hold: the storage searches every column of every
 * table its schema has (so a table added later is searched too), for text and bytes (token hashes) alike.
 */
const traces = (needles: (string | Buffer)[]) => t.relay.store.holding(needles);

describe('crypto-shredding on the relay', () => {
  it('leaves no row in any table that refers to an expired conversation, its messenger traffic or its visitor', async () => {
    const store = t.relay.store;
    await store.setChannels('shop', { whatsapp: { phone: '15550001111', account: '1' } });
    const visitor = await visitorWithHistory('24h');
    const { conversationId } = visitor;
    // Every table a conversation can reach: a handoff reference, a messenger link, a platform
    // message id, read positions, and another conversation merged into this one.
    const handoff = await t.http(`/v1/conversations/${conversationId}/handoff`, { method: 'POST', token: visitor.token, body: '{"channel":"whatsapp"}' });
    const { ref } = (await handoff.json()) as { ref: string };
    const phone = '447700900123';
    await store.link('whatsapp', phone, 'shop', 'Customer Name', conversationId, t.clock.now);
    const wamid = `wamid.${conversationId}-platform`;
    await store.appendOnce({ ...envelope(conversationId, 'wa1', { device: 'whatsapp', expiresAt: visitor.expiresAt }), channel: 'whatsapp', sealed: true } as never, wamid);
    await store.markRead(conversationId, 'agent', 1);
    const other = await t.register('7d');
    await store.merge(other.conversationId, conversationId);
    const needles = [conversationId, visitor.device.id, ref, phone, wamid, 'Customer Name', createHash('sha256').update(visitor.token).digest()];
    expect((await traces(needles)).length).toBeGreaterThan(8);

    t.clock.now += 25 * HOUR;
    expect(await visitor.socket.closed).toBe(4403);
    expect(await traces(needles)).toEqual([]);
    expect(existsSync(join(t.dataDir, 'blobs', conversationId))).toBe(false);
    // The merged conversation lives on, on its own.
    expect((await store.conversation(other.conversationId))?.mergedInto).toBeNull();
  });
});
