import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RelayFrame } from '@threadline/sdk/protocol';
import { createRelay, type Relay } from './index.ts';

const KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
let relay: Relay;
let base: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-relay-test-'));
  relay = createRelay({ dataDir });
  relay.store.createSite('shop', 'Shop', KEY);
  const { port } = await relay.listen(0, '127.0.0.1');
  base = `127.0.0.1:${port}`;
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function register(): Promise<{ conversationId: string; token: string }> {
  const response = await fetch(`http://${base}/v1/sites/shop/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ publicKey: KEY }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** A socket that queues the frames it receives so a test can await them in order. */
async function connect() {
  const socket = new WebSocket(`ws://${base}/v1/socket`);
  const frames: RelayFrame[] = [];
  const waiters: ((frame: RelayFrame) => void)[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as RelayFrame;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve) => socket.once('open', resolve));
  return {
    socket,
    closed,
    send: (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: () => (frames.length ? Promise.resolve(frames.shift()!) : new Promise<RelayFrame>((resolve) => waiters.push(resolve))),
  };
}

const envelope = (conversationId: string, id: string, from = 'visitor') => ({ v: 1, conversationId, id, from, iv: 'AAAAAAAAAAAAAAAA', ct: 'Y2lwaGVydGV4dA' });

describe('relay socket', () => {
  it('answers malformed frames with typed errors and stays up', async () => {
    const client = await connect();
    const cases: [unknown, string][] = [
      ['not json', 'bad_frame'],
      [{ type: 'sync', conversationId: 'c', since: 0 }, 'unauthorized'],
      [{ type: 'nope' }, 'bad_frame'],
      [{ type: 'send', envelope: { v: 1 } }, 'bad_frame'],
      ['x'.repeat(70 * 1024), 'too_large'],
    ];
    for (const [frame, code] of cases) {
      client.send(frame);
      const answer = await client.next();
      expect(answer).toMatchObject({ type: 'error', code });
      expect((answer as { message: string }).message).toMatch(/^Threadline: failed to /);
    }
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'bad_frame' });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    const health = await fetch(`http://${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    client.socket.close();
  });

  it('closes a socket whose token is unknown', async () => {
    const client = await connect();
    client.send({ type: 'hello', token: 'forged-token' });
    expect(await client.closed).toBe(4401);
  });

  it('numbers envelopes per conversation, acks idempotently and resumes from a sequence number', async () => {
    const { conversationId, token } = await register();
    const client = await connect();
    client.send({ type: 'hello', token });
    expect(await client.next()).toEqual({ type: 'welcome', role: 'visitor' });

    client.send({ type: 'send', envelope: envelope(conversationId, 'm1') });
    expect(await client.next()).toMatchObject({ type: 'ack', id: 'm1', seq: 1 });
    client.send({ type: 'send', envelope: envelope(conversationId, 'm2') });
    expect(await client.next()).toMatchObject({ type: 'ack', id: 'm2', seq: 2 });
    client.send({ type: 'send', envelope: envelope(conversationId, 'm1') });
    expect(await client.next()).toMatchObject({ type: 'ack', id: 'm1', seq: 1 });

    client.send({ type: 'sync', conversationId, since: 1 });
    expect(await client.next()).toMatchObject({ type: 'message', envelope: { id: 'm2', seq: 2, ct: 'Y2lwaGVydGV4dA' } });
    expect(await client.next()).toEqual({ type: 'synced', conversationId, seq: 2 });
    client.socket.close();
  });

  it('refuses another visitor’s conversation and a visitor posing as the agent', async () => {
    const mine = await register();
    const theirs = await register();
    const client = await connect();
    client.send({ type: 'hello', token: mine.token });
    await client.next();
    client.send({ type: 'send', envelope: envelope(theirs.conversationId, 'x1') });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'forbidden' });
    client.send({ type: 'sync', conversationId: theirs.conversationId, since: 0 });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'forbidden' });
    client.send({ type: 'send', envelope: envelope(mine.conversationId, 'x2', 'agent') });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'forbidden', id: 'x2' });
    expect(relay.store.since(theirs.conversationId, 0)).toHaveLength(0);
    expect(relay.store.since(mine.conversationId, 0)).toHaveLength(0);
    client.socket.close();
  });

  it('delivers a visitor’s envelope to the site’s agents', async () => {
    const { conversationId, token } = await register();
    const agentId = await relay.store.createAgent({ site: 'shop', email: `a${Date.now()}@shop.test`, name: 'A', salt: 'c2FsdA', iterations: 1, authKey: 'k' });
    const agent = await connect();
    agent.send({ type: 'hello', token: relay.store.issueToken({ role: 'agent', site: 'shop', agentId }) });
    expect(await agent.next()).toEqual({ type: 'welcome', role: 'agent' });
    const visitor = await connect();
    visitor.send({ type: 'hello', token });
    await visitor.next();
    visitor.send({ type: 'send', envelope: envelope(conversationId, 'hi') });
    expect(await agent.next()).toMatchObject({ type: 'message', envelope: { conversationId, id: 'hi', seq: 1, from: 'visitor' } });
    agent.socket.close();
    visitor.socket.close();
  });
});

describe('relay HTTP', () => {
  it('rejects bad bodies with typed errors', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`http://${base}/v1/sites/shop/visitors`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('{')).status).toBe(400);
    expect((await post('{"publicKey":"short"}')).status).toBe(400);
    expect((await post('hello', 'text/plain')).status).toBe(415);
    expect((await post(JSON.stringify({ publicKey: 'A'.repeat(70_000) }))).status).toBe(413);
    const missing = await fetch(`http://${base}/v1/sites/unknown/config`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringMatching(/^Threadline: failed to/) } });
    expect((await fetch(`http://${base}/v1/agent/conversations`)).status).toBe(401);
  });
});
