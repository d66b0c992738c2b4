import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { device, envelope, startTestRelay, type TestRelay, type TestSocket } from './test-relay.ts';

let t: TestRelay;

beforeAll(async () => {
  t = await startTestRelay({
    limits: {
      requests: { capacity: 8, perMinute: 60 },
      handoffs: { capacity: 2, perMinute: 2 },
      connections: { capacity: 6, perMinute: 60 },
      frames: { capacity: 5, perMinute: 60 },
      messages: { capacity: 3, perMinute: 60 },
      signIns: { capacity: 2, perMinute: 2 },
    },
  });
});
afterAll(() => t.stop());

/** The relay's answer to this socket, past the other tab's messages it also receives. */
async function reply(socket: TestSocket) {
  for (;;) {
    const frame = await socket.next();
    if (frame.type !== 'message') return frame;
  }
}

describe('rate limits', () => {
  it('limits handoff references per conversation', async () => {
    await t.relay.store.setChannels('shop', { whatsapp: { phone: '15550001111', account: '1' } });
    const visitor = await t.register('7d');
    const ask = () => t.http(`/v1/conversations/${visitor.conversationId}/handoff`, { method: 'POST', token: visitor.token, body: '{"channel":"whatsapp"}' });
    expect([(await ask()).status, (await ask()).status]).toEqual([200, 200]);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(30);
    expect((await limited.json()).error.code).toBe('rate_limited');
  });

  it('answers 429 with Retry-After and a typed error on every visitor route, per address, and leaves agents’ routes alone', async () => {
    // The address has spent some of its 8 requests above; the rest go through, then 429.
    let served = 0;
    while ((await t.http('/v1/sites/shop/config')).status === 200 && served < 20) served++;
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(8);
    for (const path of ['/v1/sites/shop/config', '/v1/sites/shop/devices/x1/bundle', '/v1/conversations/x1/blobs/b1']) {
      const limited = await t.http(path);
      expect(limited.status, path).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBe(1);
      expect(await limited.json()).toEqual({ error: { code: 'rate_limited', message: 'Threadline: failed to handle the request: too many requests. Try again in 1 s.' } });
    }
    expect((await t.http('/v1/agent/conversations')).status).toBe(401); // not limited, just unauthenticated
    expect((await t.http('/healthz')).status).toBe(200);
  });

  it('limits agents’ sign-in attempts per address (each costs a scrypt)', async () => {
    const attempt = () => t.http('/v1/agent/session', { method: 'POST', body: JSON.stringify({ email: 'nobody@shop.test', authKey: 'A'.repeat(43) }) });
    expect([(await attempt()).status, (await attempt()).status]).toEqual([401, 401]);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(30);
    expect((await limited.json()).error.message).toBe('Threadline: failed to sign in: too many requests. Try again in 30 s.');
  });

  it('limits frames per connection and messages per visitor on the socket with typed errors; nothing over the limit is stored', async () => {
    const anonymous = await t.connect();
    for (let i = 0; i < 5; i++) {
      anonymous.send({ type: 'nope' });
      expect(await anonymous.next()).toMatchObject({ type: 'error', code: 'bad_frame' });
    }
    anonymous.send({ type: 'nope' });
    anonymous.send({ type: 'nope' });
    expect(await anonymous.next()).toMatchObject({ type: 'error', code: 'rate_limited', message: expect.stringMatching(/^Threadline: failed to read the frame: this connection sends too many frames\. Nothing was done; reconnect in \d+ s\.$/) });
    expect(await anonymous.closed).toBe(1013); // try again later; the second frame was not read

    const visitor = await t.relay.store.createConversation('shop', device(), t.clock.now + 86_400_000);
    const token = await t.relay.store.issueToken('visitor', visitor.id, visitor.visitor!.id);
    const sender = { device: visitor.visitor!.id, expiresAt: visitor.expiresAt };
    const tabs = [await t.connect(), await t.connect()];
    for (const tab of tabs) {
      tab.send({ type: 'hello', token });
      expect(await tab.next()).toEqual({ type: 'welcome', role: 'visitor' });
    }
    // Three messages from two tabs share the conversation's bucket; the fourth is refused without an id.
    tabs[0]!.send({ type: 'send', envelope: envelope(visitor.id, 'm1', sender) });
    expect(await tabs[0]!.next()).toMatchObject({ type: 'ack', id: 'm1' });
    tabs[1]!.send({ type: 'send', envelope: envelope(visitor.id, 'm2', sender) });
    expect(await reply(tabs[1]!)).toMatchObject({ type: 'ack', id: 'm2' });
    tabs[0]!.send({ type: 'send', envelope: envelope(visitor.id, 'm3', sender) });
    expect(await reply(tabs[0]!)).toMatchObject({ type: 'ack', id: 'm3' });
    tabs[1]!.send({ type: 'send', envelope: envelope(visitor.id, 'm4', sender) });
    tabs[1]!.send({ type: 'send', envelope: envelope(visitor.id, 'm5', sender) });
    const refused = await reply(tabs[1]!);
    expect(refused).toEqual({
      type: 'error',
      code: 'rate_limited',
      message: expect.stringMatching(/^Threadline: failed to send the message: this conversation is sending too fast\. Nothing was stored; reconnect in \d+ s and send it again\.$/),
    });
    expect(await tabs[1]!.closed).toBe(1013);
    // m5 came after the refused m4 on that socket: it is not stored either, so order holds when both are resent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await t.relay.store.since(visitor.id, 0)).map((e) => e.id)).toEqual(['m1', 'm2', 'm3']);
    expect(tabs[0]!.socket.readyState).toBe(WebSocket.OPEN);
    tabs[0]!.socket.close();
  });

  it('keys limits per address on the peer, or on the last X-Forwarded-For entry only behind a trusted proxy', async () => {
    const config = (relay: TestRelay, forwardedFor: string) => relay.http('/v1/sites/shop/config', { headers: { 'x-forwarded-for': forwardedFor } });
    const proxied = await startTestRelay({ trustProxy: true, limits: { requests: { capacity: 2, perMinute: 1 } } });
    try {
      expect([(await config(proxied, '1.1.1.1')).status, (await config(proxied, '1.1.1.1')).status]).toEqual([200, 200]);
      expect((await config(proxied, '1.1.1.1')).status).toBe(429);
      expect((await config(proxied, '9.9.9.9, 1.1.1.1')).status).toBe(429); // a forged first entry changes nothing
      expect((await config(proxied, '1.1.1.1, 2.2.2.2')).status).toBe(200); // another client of the proxy
    } finally {
      await proxied.stop();
    }
    const direct = await startTestRelay({ limits: { requests: { capacity: 2, perMinute: 1 } } });
    try {
      expect([(await config(direct, '1.1.1.1')).status, (await config(direct, '2.2.2.2')).status, (await config(direct, '3.3.3.3')).status]).toEqual([200, 200, 429]);
    } finally {
      await direct.stop();
    }
  });

  it('limits new socket connections per address with 429 and Retry-After on the upgrade', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const socket = new WebSocket(`ws://${t.base}/v1/socket`);
      statuses.push(
        await new Promise<number>((resolve) => {
          socket.once('open', () => resolve(101));
          socket.once('unexpected-response', (_req, res) => {
            expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
            resolve(res.statusCode ?? 0);
          });
        }),
      );
      socket.on('error', () => {});
      socket.terminate();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 101).length).toBeLessThanOrEqual(6);
  });
});
