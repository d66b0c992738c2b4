import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_LABEL, parseMessaging, parseWhatsApp } from './parse.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../tests/fixtures/meta/${name}.json`, import.meta.url), 'utf8'));

describe('WhatsApp webhooks', () => {
  it('reads a text message, its sender and the handoff code in the text', () => {
    const [event, ...rest] = parseWhatsApp(fixture('whatsapp-text'));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ channel: 'whatsapp', account: '106540352242922', identity: '16505551234', ref: 'TL-7K3Q9-XA2BC', messageId: expect.stringMatching(/^wamid\./) });
    expect(event!.text).toContain('#TL-7K3Q9-XA2BC');
  });

  it('walks every entry and change of a batch, skipping statuses (duplicates are dropped later, by id)', () => {
    const events = parseWhatsApp(fixture('whatsapp-batch'));
    expect(events).toHaveLength(4);
    expect(new Set(events.map((e) => e.messageId)).size).toBe(3);
    expect(new Set(events.map((e) => e.identity)).size).toBe(2);
  });

  it('keys a customer on the business-scoped user id when there is no wa_id', () => {
    const [event] = parseWhatsApp(fixture('whatsapp-user-id'));
    expect(event).toMatchObject({ identity: 'US.1180457736212409583', label: '…9583', name: 'Ama Owusu', ref: 'TL-4MW8R-DH6PQ' });
  });

  it('cuts a long profile name to what a conversation summary carries, without splitting a character', () => {
    const body = fixture('whatsapp-text') as { entry: { changes: { value: { contacts: { profile: { name: string } }[] } }[] }[] };
    body.entry[0]!.changes[0]!.value.contacts[0]!.profile.name = `${'x'.repeat(79)}😀 and more`;
    const [event] = parseWhatsApp(body);
    expect(event!.name).toBe('x'.repeat(79));
    expect(event!.name!.length).toBeLessThanOrEqual(MAX_LABEL);
  });

  it('ignores other objects and malformed bodies', () => {
    expect(parseWhatsApp(fixture('messenger-text'))).toEqual([]);
    expect(parseWhatsApp({ object: 'whatsapp_business_account', entry: [{ changes: [{ value: { messages: [{ id: 'x' }] } }] }] })).toEqual([]);
    expect(parseWhatsApp('nonsense')).toEqual([]);
  });
});

describe('Messenger and Instagram webhooks', () => {
  it('takes the ref from a referral on an existing thread, then the message', () => {
    const events = parseMessaging(fixture('messenger-referral'), 'messenger');
    expect(events.map((e) => [Boolean(e.ref), Boolean(e.messageId)])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(events[0]!.ref).toBe('AbC123_-xyz');
    expect(events[0]!.identity).toBe(events[1]!.identity);
  });

  it('takes the ref from postback.referral on a new thread (Get Started)', () => {
    const events = parseMessaging(fixture('messenger-postback-referral'), 'messenger');
    expect(events.find((e) => e.ref)?.ref).toMatch(/^[A-Za-z0-9_=-]+$/);
    expect(events.some((e) => e.text)).toBe(true);
  });

  it('skips the page’s own echoes', () => {
    const events = parseMessaging(fixture('messenger-text'), 'messenger');
    expect(events).toHaveLength(1);
    expect(events[0]!.text).toBeTruthy();
  });

  it.each(['instagram-referral', 'instagram-postback-referral'])('reads Instagram’s %s', (name) => {
    const events = parseMessaging(fixture(name), 'instagram');
    expect(events.some((e) => e.ref)).toBe(true);
    expect(events.every((e) => e.account === '17841400123456789' && e.channel === 'instagram')).toBe(true);
    expect(parseMessaging(fixture(name), 'messenger')).toEqual([]);
  });
});

describe('messages beyond text', () => {
  it('reads WhatsApp attachments as media to fetch by id, and a location, contact card and reaction as text', () => {
    const events = parseWhatsApp(fixture('whatsapp-media'));
    expect(events.map((e) => e.media)).toEqual([
      { kind: 'image', id: '1003383421387256', type: 'image/jpeg' },
      { kind: 'audio', id: '1255719458905271', type: 'audio/ogg; codecs=opus' },
      { kind: 'document', id: '2013553829105839', type: 'application/pdf', name: 'invoice-4471.pdf' },
      undefined,
      undefined,
      undefined,
    ]);
    expect(events.map((e) => e.text)).toEqual([
      'The parcel arrived like this',
      undefined,
      undefined,
      'Shared a location\nDepot 4, Westminster, London\nhttps://www.openstreetmap.org/?mlat=51.5007&mlon=-0.1246#map=17/51.5007/-0.1246',
      'Shared a contact\nSam Carter, +44 20 7946 0018',
      'Reacted ❤️ to a message',
    ]);
  });

  it('splits a Messenger message with two images into two, the text going with the first; reads a reaction; refuses a non-web URL', () => {
    const events = parseMessaging(fixture('messenger-media'), 'messenger');
    expect(events.map(({ messageId, text, media }) => ({ messageId, text, media }))).toEqual([
      { messageId: 'm_AAAAfGh1cm5pdHVyZS1waG90b3MtMQ', text: 'Two photos of the damage', media: { kind: 'image', url: 'https://lookaside.fbsbx.test/ig_messaging_cdn/?asset_id=1&hash=a' } },
      { messageId: 'm_AAAAfGh1cm5pdHVyZS1waG90b3MtMQ#1', text: undefined, media: { kind: 'image', url: 'https://lookaside.fbsbx.test/ig_messaging_cdn/?asset_id=2&hash=b' } },
      { messageId: expect.stringMatching(/^reaction:m_S09G0/), text: 'Reacted ❤️ to a message', media: undefined },
    ]);
    const local = fixture('messenger-media') as { entry: { messaging: { message?: { attachments: { payload: { url: string } }[] } }[] }[] };
    for (const attachment of local.entry[0]!.messaging[0]!.message!.attachments) attachment.payload.url = 'file:///etc/passwd';
    const [only, reaction] = parseMessaging(local, 'messenger');
    expect([only!.text, only!.media, reaction!.text]).toEqual(['Two photos of the damage', undefined, 'Reacted ❤️ to a message']);
  });
});
