/** Webhooks against a running relay: signatures, batches, duplicates, handoff references, sealing. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../index.ts';
import { parseWhatsApp } from './parse.ts';
import { signBody } from './signature.ts';
import { device } from '../test-relay.ts';

const SECRET = 'test-app-secret';
const fixtureText = (name: string) => readFileSync(new URL(`../../../tests/fixtures/meta/${name}.json`, import.meta.url), 'utf8');
const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64url');
const X25519_PUBLIC = 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo'; // RFC 7748 §6.1, Alice

let relay: Relay;
let base: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-webhooks-'));
  relay = await createRelay({ dataDir, meta: { appSecret: SECRET, verifyToken: 'verify-me', graphUrl: 'http://127.0.0.1:9/none', tokens: {} } });
  const store = relay.store;
  await store.createSite('shop', 'Shop');
  const directory = JSON.stringify({ v: 2, site: 'shop', version: 1, issuedAt: 1, orgKey: b64(32), inboxKey: X25519_PUBLIC, devices: [] });
  await store.setDirectory('shop', { directory, signature: b64(64) }, 1, []);
  await store.setChannels('shop', {
    whatsapp: { phone: '15550001111', account: '106540352242922' },
    messenger: { page: 'shop', account: '1234567890' },
    instagram: { username: 'shop', account: '17841400123456789' },
  });
  const { port } = await relay.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (channel: string, body: string, signature: string | null = signBody(SECRET, body)) =>
  fetch(`${base}/webhooks/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
const envelopes = async () => (await relay.store.rowCounts()).envelopes;

describe('Meta webhooks', () => {
  it('answers the verification handshake only with the right token', async () => {
    const ok = await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    expect((await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
  });

  it('refuses a bad or missing signature, a replayed body with another signature, and malformed or oversized bodies, storing nothing', async () => {
    const body = fixtureText('whatsapp-text');
    expect((await post('whatsapp', body, null)).status).toBe(403);
    expect((await post('whatsapp', body, signBody('another-secret', body))).status).toBe(403);
    expect((await post('whatsapp', `${body} `, signBody(SECRET, body))).status).toBe(403);
    expect((await post('whatsapp', '{not json')).status).toBe(400);
    expect((await post('whatsapp', JSON.stringify({ pad: 'x'.repeat(1_100_000) }))).status).toBe(413);
    expect(await envelopes()).toBe(0);
  });

  it('refuses the same on the Messenger and Instagram endpoints, and an unsigned handshake or unknown channel', async () => {
    for (const [channel, name] of [
      ['messenger', 'messenger-text'],
      ['instagram', 'instagram-referral'],
    ] as const) {
      const body = fixtureText(name);
      expect((await post(channel, body, null)).status).toBe(403);
      expect((await post(channel, body, 'sha256=')).status).toBe(403);
      expect((await post(channel, body, `sha1=${'0'.repeat(40)}`)).status).toBe(403);
      expect((await post(channel, body, signBody('another-secret', body))).status).toBe(403);
      expect((await post(channel, body.replace(/"text":\s*"/, '"text": "edited '), signBody(SECRET, body))).status).toBe(403);
      expect((await post(channel, '{"object":', signBody(SECRET, '{"object":'))).status).toBe(400);
      expect((await post(channel, JSON.stringify({ pad: 'x'.repeat(1_100_000) }))).status).toBe(413);
    }
    expect((await fetch(`${base}/webhooks/messenger?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1`)).status).toBe(403);
    expect((await post('telegram', '{}')).status).toBe(404);
    expect(await envelopes()).toBe(0);
  });

  it('stores nothing from signed bodies that are not messages: wrong shapes, another platform’s object, pollution keys', async () => {
    const bodies = [
      '{}',
      '[]',
      'null',
      '"text"',
      '{"object":"page","entry":"x"}',
      '{"object":"page","entry":[{"id":"1234567890","messaging":[{"sender":{},"message":{"mid":7,"text":{}}}]}]}',
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{},"messages":[{"from":"1","id":"x"}]}}]}]}',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"object":"instagram","entry":[{"__proto__":{"id":"17841400123456789"}}]}',
      '['.repeat(5000) + ']'.repeat(5000),
      fixtureText('whatsapp-text'),
    ];
    for (const channel of ['messenger', 'instagram'] as const) {
      for (const body of bodies) {
        const response = await post(channel, body);
        expect(response.status, `${channel}: ${body.slice(0, 60)}`).toBe(200);
        expect(await response.json()).toMatchObject({ events: 0 });
      }
    }
    expect(await envelopes()).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stores each message of a batch once, sealed, and drops redeliveries', async () => {
    const body = fixtureText('whatsapp-batch');
    const first = await post('whatsapp', body);
    expect(first.status).toBe(200);
    expect(await envelopes()).toBe(3);
    expect((await post('whatsapp', body)).status).toBe(200);
    expect(await envelopes()).toBe(3);
    const stored = (await Promise.all((await relay.store.conversations('shop')).map((c) => relay.store.since(c.id, 0)))).flat();
    expect(stored).toHaveLength(3);
    for (const envelope of stored) expect(envelope).toMatchObject({ channel: 'whatsapp', from: 'visitor', device: 'whatsapp', inbox: { epk: expect.any(String) } });
    expect((await relay.store.rowCounts()).channel_links).toBe(2);
  });

  it('drops a message replayed inside another, freshly signed batch', async () => {
    const before = await envelopes();
    const batch = JSON.parse(fixtureText('whatsapp-batch')) as { entry: { changes: unknown[] }[] };
    batch.entry.push({ ...batch.entry[0]!, id: 'replayed' } as (typeof batch.entry)[number]);
    const response = await post('whatsapp', JSON.stringify(batch));
    expect(response.status).toBe(200);
    expect(await envelopes()).toBe(before);
  });

  it('links the customer to the web conversation named by the handoff code, single use', async () => {
    const visitor = { id: 'visitor1', identityKey: X25519_PUBLIC, signingKey: b64(32), signedPrekey: { id: 1, publicKey: X25519_PUBLIC, signature: b64(64) } };
    const conversation = await relay.store.createConversation('shop', visitor, Date.now() + 86_400_000);
    await relay.store.createHandoff(conversation.id, 'whatsapp', 'TL-7K3Q9-XA2BC', Date.now() + 60_000);
    expect((await post('whatsapp', fixtureText('whatsapp-text'))).status).toBe(200);
    const [stored] = await relay.store.since(conversation.id, 0);
    expect(stored).toMatchObject({ channel: 'whatsapp', sealed: [{ to: 'visitor1' }] });
    expect((await relay.store.conversation(conversation.id))!.channel).toMatchObject({ name: 'whatsapp', label: expect.any(String) });
    expect(await relay.store.takeHandoff('shop', 'whatsapp', 'TL-7K3Q9-XA2BC')).toBeUndefined();
  });

  it('links Messenger and Instagram customers by ref and keeps their messages in one thread', async () => {
    for (const [channel, name] of [
      ['messenger', 'messenger-referral'],
      ['instagram', 'instagram-referral'],
    ] as const) {
      const fixture = JSON.parse(fixtureText(name)) as { entry: { messaging: { referral?: { ref: string } }[] }[] };
      const ref = fixture.entry[0]!.messaging.find((m) => m.referral)!.referral!.ref;
      const conversation = await relay.store.createConversation('shop', null, Date.now() + 86_400_000);
      await relay.store.createHandoff(conversation.id, channel, ref, Date.now() + 60_000);
      expect((await post(channel, JSON.stringify(fixture))).status).toBe(200);
      expect(await relay.store.since(conversation.id, 0)).toHaveLength(1);
    }
  });

  it('lets an agent merge a thread opened without a reference into the customer’s conversation', async () => {
    const agentId = await relay.store.createAgent({ site: 'shop', email: 'merge@shop.test', name: 'M', role: 'member', salt: b64(16), iterations: 1, authKey: b64(32) });
    const device = { id: 'merge-device', identityKey: X25519_PUBLIC, signingKey: b64(32), signedPrekey: { id: 1, publicKey: X25519_PUBLIC, signature: b64(64) } };
    await relay.store.upsertDevice('shop', agentId, 'Laptop', device);
    const current = (await relay.store.site('shop'))!;
    await relay.store.setDirectory('shop', current.directory!, current.directoryVersion, ['merge-device']);
    const token = await relay.store.issueToken('agent', agentId, 'merge-device');
    const web = await relay.store.createConversation('shop', null, Date.now() + 86_400_000);
    const fresh = JSON.parse(fixtureText('messenger-text')) as { entry: { messaging: { sender: { id: string }; message?: { mid: string } }[] }[] };
    const item = fresh.entry[0]!.messaging[0]!;
    item.sender.id = 'PSID-without-ref';
    item.message!.mid = 'm_without_ref';
    expect((await post('messenger', JSON.stringify(fresh))).status).toBe(200);
    const orphan = (await relay.store.linkedConversation('shop', 'messenger', 'PSID-without-ref'))!;
    expect(orphan).not.toBe(web.id);

    const merge = (from: string, into: string) =>
      fetch(`${base}/v1/agent/conversations/merge`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ from, into }) });
    expect((await merge(orphan, orphan)).status).toBe(400);
    expect((await merge(orphan, web.id)).status).toBe(200);
    expect((await relay.store.conversation(orphan))!.mergedInto).toBe(web.id);
    expect(await relay.store.linkedConversation('shop', 'messenger', 'PSID-without-ref')).toBe(web.id);

    item.message!.mid = 'm_after_merge';
    expect((await post('messenger', JSON.stringify(fresh))).status).toBe(200);
    expect(await relay.store.since(web.id, 0)).toHaveLength(1);
  });

  it('never writes a message’s text or a customer’s profile name to the data directory', async () => {
    const events = [...parseWhatsApp(JSON.parse(fixtureText('whatsapp-batch'))), ...parseWhatsApp(JSON.parse(fixtureText('whatsapp-text')))];
    const texts = [...events.map((e) => e.text!), ...events.flatMap((e) => (e.name ? [e.name] : []))];
    expect(texts.length).toBeGreaterThanOrEqual(4);
    expect(texts).toContain('Dana Whitfield');
    // What the relay shows of a messenger customer is a shortened id.
    const labels = (await relay.store.conversations('shop')).flatMap((c) => (c.channel?.name === 'whatsapp' ? [c.channel.label] : []));
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).toMatch(/^…[\w.]{4}$/);
    for (const file of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, file));
      for (const text of texts) expect(bytes.includes(text)).toBe(false);
    }
  });
});

describe('WhatsApp handoff codes', () => {
  /** A WhatsApp text message from `from` with its own message id. */
  const whatsapp = (from: string, body: string) => {
    const fixture = JSON.parse(fixtureText('whatsapp-text')) as { entry: { changes: { value: { contacts: { wa_id: string }[]; messages: { from: string; id: string; text: { body: string } }[] } }[] }[] };
    const value = fixture.entry[0]!.changes[0]!.value;
    value.contacts[0]!.wa_id = from;
    Object.assign(value.messages[0]!, { from, id: `wamid.${randomUUID()}`, text: { body } });
    return JSON.stringify(fixture);
  };

  it('are 50 bits, short and readable (TL-XXXXX-XXXXX), each different', async () => {
    const visitor = await fetch(`${base}/v1/sites/shop/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device: device() }),
    });
    const { conversationId, token } = (await visitor.json()) as { conversationId: string; token: string };
    const refs = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${base}/v1/conversations/${conversationId}/handoff`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"channel":"whatsapp"}' });
      const { ref } = (await response.json()) as { ref: string };
      expect(ref).toMatch(/^TL-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
      refs.add(ref);
    }
    expect(refs.size).toBe(5);
  });

  it('stop being heard from a number whose codes keep matching nothing, so a code cannot be guessed from it', async () => {
    const conversation = await relay.store.createConversation('shop', null, Date.now() + 86_400_000);
    await relay.store.createHandoff(conversation.id, 'whatsapp', 'TL-ABCDE-FGH23', Date.now() + 60_000);
    const guesser = '447700900001';
    for (let i = 0; i < 5; i++) expect((await post('whatsapp', whatsapp(guesser, `#TL-ZZZZZ-ZZZ${i + 2}2`))).status).toBe(200);
    // The right code now, from the number that missed five times: not linked.
    expect((await post('whatsapp', whatsapp(guesser, 'Got it? #TL-ABCDE-FGH23'))).status).toBe(200);
    expect(await relay.store.since(conversation.id, 0)).toHaveLength(0);
    expect(await relay.store.linkedConversation('shop', 'whatsapp', guesser)).not.toBe(conversation.id);

    // The customer it was made for still gets through, once.
    expect((await post('whatsapp', whatsapp('447700900002', 'Continuing #TL-ABCDE-FGH23'))).status).toBe(200);
    expect(await relay.store.since(conversation.id, 0)).toHaveLength(1);
    expect((await post('whatsapp', whatsapp('447700900003', 'Me too #TL-ABCDE-FGH23'))).status).toBe(200);
    expect(await relay.store.linkedConversation('shop', 'whatsapp', '447700900003')).not.toBe(conversation.id);
  });
});
