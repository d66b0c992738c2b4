import { afterEach, describe, expect, it } from 'vitest';
import { readLimits } from './config.ts';
import { envelope, startTestRelay, UNLIMITED, type TestRelay } from './test-relay.ts';

let t: TestRelay | undefined;
afterEach(() => t?.stop());

/** A visitor's socket, said hello. */
async function visitorSocket(relay: TestRelay, retention = '7d') {
  const visitor = await relay.register(retention);
  const socket = await relay.connect();
  socket.send({ type: 'hello', token: visitor.token });
  expect(await socket.next()).toEqual({ type: 'welcome', role: 'visitor' });
  return { ...visitor, socket };
}

const stored = async (relay: TestRelay, conversationId: string) => (await relay.relay.store.since(conversationId, 0)).length;

describe('storage quotas', () => {
  it('refuses an envelope past the conversation’s quota with a typed error, keeps what was stored, and refuses the later ones too so order holds', async () => {
    t = await startTestRelay({ limits: { ...UNLIMITED, conversationBytes: 400 } });
    const visitor = await visitorSocket(t);
    const send = (id: string) => visitor.socket.send({ type: 'send', envelope: envelope(visitor.conversationId, id, { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
    send('m1');
    expect(await visitor.socket.next()).toMatchObject({ type: 'ack', id: 'm1', seq: 1 });
    send('m2');
    expect(await visitor.socket.next()).toMatchObject({ type: 'ack', id: 'm2', seq: 2 });
    send('m3');
    send('m4');
    const refused = await visitor.socket.next();
    expect(refused).toMatchObject({ type: 'error', code: 'quota_exceeded', id: 'm3' });
    expect(refused.type === 'error' && refused.message).toMatch(/^Threadline: failed to send the message: this conversation has used its storage quota of 400 bytes\. Nothing was stored; your message is kept and can go once there is room. Start a new conversation/);
    expect(await visitor.socket.next()).toMatchObject({ type: 'error', code: 'quota_exceeded', id: 'm4' });
    expect(await stored(t, visitor.conversationId)).toBe(2);
    // The socket stays open: the visitor still reads the conversation.
    visitor.socket.send({ type: 'sync', conversationId: visitor.conversationId, since: 0 });
    expect(await visitor.socket.next()).toMatchObject({ type: 'message', envelope: { id: 'm1', seq: 1 } });
    // Another conversation of the site is not affected.
    const other = await visitorSocket(t);
    other.socket.send({ type: 'send', envelope: envelope(other.conversationId, 'o1', { device: other.device.id, expiresAt: other.expiresAt }) });
    expect(await other.socket.next()).toMatchObject({ type: 'ack', id: 'o1' });
  });

  it('counts every conversation of a site against the site’s quota, and gives the bytes back when a conversation expires', async () => {
    t = await startTestRelay({ limits: { ...UNLIMITED, siteBytes: 400 } });
    const first = await visitorSocket(t, '24h');
    first.socket.send({ type: 'send', envelope: envelope(first.conversationId, 'a', { device: first.device.id, expiresAt: first.expiresAt }) });
    expect(await first.socket.next()).toMatchObject({ type: 'ack' });
    const second = await visitorSocket(t);
    const send = () => second.socket.send({ type: 'send', envelope: envelope(second.conversationId, 'b', { device: second.device.id, expiresAt: second.expiresAt }) });
    send();
    expect(await second.socket.next()).toMatchObject({ type: 'ack' });
    const third = await visitorSocket(t);
    third.socket.send({ type: 'send', envelope: envelope(third.conversationId, 'c', { device: third.device.id, expiresAt: third.expiresAt }) });
    expect(await third.socket.next()).toMatchObject({ type: 'error', code: 'quota_exceeded', id: 'c', message: expect.stringContaining('this business has used its storage quota') });

    // The first conversation expires: its bytes are free again, and the refused message goes on the next connection.
    t.clock.now += 25 * 3600_000;
    await t.relay.sweep();
    third.socket.socket.close();
    const again = await t.connect();
    again.send({ type: 'hello', token: third.token });
    expect(await again.next()).toEqual({ type: 'welcome', role: 'visitor' });
    again.send({ type: 'send', envelope: envelope(third.conversationId, 'c', { device: third.device.id, expiresAt: third.expiresAt }) });
    expect(await again.next()).toMatchObject({ type: 'ack', id: 'c', seq: 1 });
  });

  it('refuses an attachment past the quota with 507 and keeps nothing of it; a smaller one still fits', async () => {
    t = await startTestRelay({ limits: { ...UNLIMITED, conversationBytes: 10_000 } });
    const visitor = await t.register();
    const put = (id: string, bytes: number, headers: Record<string, string> = {}) =>
      t!.http(`/v1/conversations/${visitor.conversationId}/blobs/${id}`, { method: 'PUT', token: visitor.token, body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream', ...headers } });
    expect((await put('b1', 6000)).status).toBe(200);
    const refused = await put('b2', 6000);
    expect(refused.status).toBe(507);
    expect(await refused.json()).toEqual({ error: { code: 'quota_exceeded', message: expect.stringMatching(/^Threadline: failed to store the attachment: this conversation has used its storage quota/) } });
    // Streamed without a declared length, it is cut off at the quota all the same.
    const streamed = await fetch(`http://${t.base}/v1/conversations/${visitor.conversationId}/blobs/b3`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'application/octet-stream' },
      body: new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array(6000)), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(507);
    expect((await t.http(`/v1/conversations/${visitor.conversationId}/blobs/b3`, { token: visitor.token })).status).toBe(404);
    expect((await put('b4', 3000)).status).toBe(200);
    expect((await t.relay.store.usage(visitor.conversationId))?.conversation).toBe(9000);
  });

  it('reads quotas from THREADLINE_LIMITS beside the rate limits, and refuses a malformed one', () => {
    expect(readLimits({ THREADLINE_LIMITS: 'frames=10/20,siteBytes=1000,conversationBytes=500' })).toEqual({ frames: { capacity: 10, perMinute: 20 }, siteBytes: 1000, conversationBytes: 500 });
    expect(() => readLimits({ THREADLINE_LIMITS: 'siteBytes=10/20' })).toThrow(/quota=bytes with a quota of conversationBytes, siteBytes/);
    expect(() => readLimits({ THREADLINE_LIMITS: 'frames=10' })).toThrow(/THREADLINE_LIMITS item 'frames=10'/);
  });
});
