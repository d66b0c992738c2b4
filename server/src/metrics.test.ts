/** `/metrics` against a running relay: who may read it, what moves when the relay works, and that it names no one. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from './channels/signature.ts';
import { ConfigError } from './config.ts';
import { createRelay } from './relay.ts';
import { envelope, startTestRelay, UNLIMITED, type TestRelay } from './test-relay.ts';

const TOKEN = 'metrics-token-0123456789abcdef0123';
const APP_SECRET = 'test-app-secret';
const WHATSAPP_ACCOUNT = '106540352242922';
const whatsappText = readFileSync(new URL('../../tests/fixtures/meta/whatsapp-text.json', import.meta.url), 'utf8');

/** A scrape's samples, `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

async function scrape(t: TestRelay): Promise<{ text: string; value: (sample: string) => number }> {
  const response = await t.http('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  const found = samples(text);
  return { text, value: (sample) => found.get(sample) ?? 0 };
}

let t: TestRelay;
beforeAll(async () => {
  t = await startTestRelay({
    metricsToken: TOKEN,
    limits: UNLIMITED,
    meta: { appSecret: APP_SECRET, verifyToken: 'verify-me', graphUrl: 'http://127.0.0.1:9/none', tokens: {} },
  });
  await t.relay.store.setChannels('shop', { whatsapp: { phone: '15550001111', account: WHATSAPP_ACCOUNT } });
});
afterAll(() => t.stop());

describe('who may read /metrics', () => {
  it('is not there unless the relay has a metrics token', async () => {
    const plain = await startTestRelay();
    try {
      expect((await plain.http('/metrics')).status).toBe(404);
      expect((await plain.http('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it('answers only a scrape that sends the token as a bearer token', async () => {
    const missing = await t.http('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect((await missing.json()).error.message).toMatch(/^Threadline: failed to read the metrics: the bearer token is missing or wrong\./);
    for (const authorization of [`Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}x`, TOKEN, `Basic ${TOKEN}`]) {
      expect((await t.http('/metrics', { headers: { authorization } })).status).toBe(401);
    }
    expect((await t.http('/metrics', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    const ok = await t.http('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(await ok.text()).toContain('# TYPE threadline_message_ack_seconds histogram');
  });

  it('refuses a token that is easy to guess, with a typed error', async () => {
    await expect(createRelay({ dataDir: t.dataDir, metricsToken: 'short' })).rejects.toThrow(ConfigError);
    await expect(createRelay({ dataDir: t.dataDir, metricsToken: `${'x'.repeat(20)} ${'y'.repeat(20)}` })).rejects.toThrow(/^Threadline: failed to start the relay: the metrics token/);
  });
});

describe('what the metrics count', () => {
  it('a visitor’s message: received, committed, acked, delivered live to its other tab and sent again on sync', async () => {
    const before = await scrape(t);
    const visitor = await t.register();
    const tab = await t.connect();
    const other = await t.connect();
    for (const socket of [tab, other]) {
      socket.send({ type: 'hello', token: visitor.token });
      expect(await socket.next()).toMatchObject({ type: 'welcome' });
    }
    const during = await scrape(t);
    expect(during.value('threadline_sockets_open{role="visitor"}')).toBe(2);

    tab.send({ type: 'send', envelope: envelope(visitor.conversationId, 'm1', { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
    expect(await tab.next()).toMatchObject({ type: 'ack', seq: 1 });
    expect(await other.next()).toMatchObject({ type: 'message', envelope: { id: 'm1', seq: 1 } });
    tab.send({ type: 'sync', conversationId: visitor.conversationId, since: 0 });
    expect(await tab.next()).toMatchObject({ type: 'message', envelope: { id: 'm1', seq: 1 } });

    const after = await scrape(t);
    const moved = (sample: string) => after.value(sample) - before.value(sample);
    expect(moved('threadline_messages_received_total{from="visitor"}')).toBe(1);
    expect(moved('threadline_message_ack_seconds_count')).toBe(1);
    expect(after.value('threadline_message_ack_seconds_sum')).toBeGreaterThan(before.value('threadline_message_ack_seconds_sum'));
    expect(moved('threadline_message_ack_seconds_bucket{le="+Inf"}')).toBe(1);
    expect(moved('threadline_store_commit_seconds_count')).toBe(1);
    expect(moved('threadline_store_commit_envelopes_sum')).toBe(1);
    expect(moved('threadline_messages_sent_total{kind="live"}')).toBe(1);
    expect(moved('threadline_messages_sent_total{kind="sync"}')).toBe(1);
    expect(moved('threadline_http_requests_total{route="visitor_api",status="200"}')).toBe(1);
    expect(moved('threadline_http_requests_total{route="socket",status="101"}')).toBe(2);

    tab.socket.close();
    other.socket.close();
    await Promise.all([tab.closed, other.closed]);
    await expect.poll(async () => (await scrape(t)).value('threadline_sockets_open{role="visitor"}')).toBe(0);
  });

  it('a request refused by a rate limit, by the limit’s kind', async () => {
    const limited = await startTestRelay({ metricsToken: TOKEN, limits: { requests: { capacity: 1, perMinute: 1 } } });
    try {
      expect((await limited.http('/v1/sites/shop/config')).status).toBe(200);
      expect((await limited.http('/v1/sites/shop/config')).status).toBe(429);
      const { value } = await scrape(limited);
      expect(value('threadline_rate_limited_total{kind="requests"}')).toBe(1);
      expect(value('threadline_rate_limited_total{kind="visitors"}')).toBe(0);
      expect(value('threadline_http_requests_total{route="visitor_api",status="429"}')).toBe(1);
    } finally {
      await limited.stop();
    }
  });

  it('webhooks: refused by reason, verified, accepted with their messages', async () => {
    const post = (body: string, signature: string) => t.http('/webhooks/whatsapp', { method: 'POST', body, headers: { 'x-hub-signature-256': signature } });
    const before = await scrape(t);
    expect((await post(whatsappText, signBody('another-secret', whatsappText))).status).toBe(403);
    expect((await post('{not json', signBody(APP_SECRET, '{not json'))).status).toBe(400);
    expect((await t.http('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1')).status).toBe(403);
    expect((await t.http('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1')).status).toBe(200);
    expect((await post(whatsappText, signBody(APP_SECRET, whatsappText))).status).toBe(200);

    const after = await scrape(t);
    const moved = (sample: string) => after.value(sample) - before.value(sample);
    expect(moved('threadline_webhook_requests_total{channel="whatsapp",outcome="refused",reason="signature"}')).toBe(1);
    expect(moved('threadline_webhook_requests_total{channel="whatsapp",outcome="refused",reason="not_json"}')).toBe(1);
    expect(moved('threadline_webhook_requests_total{channel="whatsapp",outcome="refused",reason="verify_token"}')).toBe(1);
    expect(moved('threadline_webhook_requests_total{channel="whatsapp",outcome="verified",reason=""}')).toBe(1);
    expect(moved('threadline_webhook_requests_total{channel="whatsapp",outcome="accepted",reason=""}')).toBe(1);
    expect(moved('threadline_messages_received_total{from="channel"}')).toBe(1);
    expect(moved('threadline_http_requests_total{route="webhook",status="403"}')).toBe(2);
  });

  it('names no site, conversation, device, message, customer or token: label values come from closed sets', async () => {
    const visitor = await t.register();
    const socket = await t.connect();
    socket.send({ type: 'hello', token: visitor.token });
    await socket.next();
    socket.send({ type: 'send', envelope: envelope(visitor.conversationId, 'mIdentifiable1', { device: visitor.device.id, expiresAt: visitor.expiresAt }) });
    expect(await socket.next()).toMatchObject({ type: 'ack' });
    await t.http(`/v1/conversations/${visitor.conversationId}/nothing-here`, { token: visitor.token });

    const { text } = await scrape(t);
    for (const secret of [visitor.conversationId, visitor.token, visitor.device.id, 'mIdentifiable1', 'shop', '16505551234', WHATSAPP_ACCOUNT, TOKEN]) {
      expect(text).not.toContain(secret);
    }
    const closed: Record<string, readonly string[]> = {
      role: ['visitor', 'agent', 'unauthenticated'],
      from: ['visitor', 'agent', 'channel'],
      kind: ['live', 'sync', ...Object.keys(UNLIMITED)],
      channel: ['whatsapp', 'messenger', 'instagram'],
      outcome: ['verified', 'accepted', 'failed', 'refused'],
      reason: ['', 'not_configured', 'verify_token', 'method', 'too_large', 'signature', 'not_json'],
      route: ['health', 'metrics', 'socket', 'visitor_api', 'agent_api', 'webhook', 'frame', 'other'],
    };
    const ours = text.split('\n').filter((line) => line.startsWith('threadline_'));
    expect(ours.length).toBeGreaterThan(50);
    for (const line of ours) {
      for (const [, name, value] of line.matchAll(/(\w+)="([^"]*)"/g)) {
        if (name === 'le') expect(value).toMatch(/^(\d+(\.\d+)?|\+Inf)$/);
        else if (name === 'status') expect(value).toMatch(/^([1-5]\d\d|aborted)$/);
        else expect(closed[name!], `${name}="${value}" in ${line}`).toContain(value);
      }
    }
    socket.socket.close();
  });
});
