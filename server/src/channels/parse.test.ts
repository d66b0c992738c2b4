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
