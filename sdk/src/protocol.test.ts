import { describe, expect, it } from 'vitest';
import { FrameError, parseClientFrame, parseRelayFrame } from './protocol.ts';

const KEY = 'A'.repeat(43);
const envelope = {
  v: 2,
  conversationId: 'c1',
  id: 'm1',
  from: 'visitor',
  device: 'd1',
  expiresAt: 1_900_000_000_000,
  iv: 'AAAAAAAAAAAAAAAA',
  ct: 'abc_-',
  keys: [{ to: 'd2', h: { s: KEY, dh: KEY, pn: 0, n: 3, pre: { ik: KEY, ek: KEY, spk: 1, opk: null } }, k: 'xyz' }],
};

describe('parseClientFrame', () => {
  it('accepts the frames of the protocol and drops unknown fields', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'hello', token: 'tok' }))).toEqual({ type: 'hello', token: 'tok' });
    expect(parseClientFrame(JSON.stringify({ type: 'send', envelope: { ...envelope, extra: 1 }, more: 2 }))).toEqual({ type: 'send', envelope });
    expect(parseClientFrame(JSON.stringify({ type: 'sync', conversationId: 'c1', since: 4 }))).toEqual({ type: 'sync', conversationId: 'c1', since: 4 });
  });

  it.each([
    ['not json', '{', 'json'],
    ['an array', '[]', 'type'],
    ['an unknown type', '{"type":"boom"}', 'type'],
    ['a prototype key as type', '{"type":"toString"}', 'type'],
    ['a token with spaces', '{"type":"hello","token":"a b"}', 'token'],
    ['a negative since', '{"type":"sync","conversationId":"c1","since":-1}', 'since'],
    ['a fractional since', '{"type":"sync","conversationId":"c1","since":1.5}', 'since'],
    ['a bad conversation id', JSON.stringify({ type: 'send', envelope: { ...envelope, conversationId: '../x' } }), 'envelope.conversationId'],
    ['an unknown sender', JSON.stringify({ type: 'send', envelope: { ...envelope, from: 'admin' } }), 'envelope.from'],
    ['an older version', JSON.stringify({ type: 'send', envelope: { ...envelope, v: 1 } }), 'envelope.v'],
    ['an empty ciphertext', JSON.stringify({ type: 'send', envelope: { ...envelope, ct: '' } }), 'envelope.ct'],
    ['a short ratchet key', JSON.stringify({ type: 'send', envelope: { ...envelope, keys: [{ ...envelope.keys[0], h: { ...envelope.keys[0]!.h, dh: 'AAAA' } }] } }), 'envelope.keys[0].h.dh'],
    ['too many recipients', JSON.stringify({ type: 'send', envelope: { ...envelope, keys: Array(65).fill(envelope.keys[0]) } }), 'envelope.keys'],
  ])('rejects %s, naming the field', (_, text, field) => {
    expect(() => parseClientFrame(text)).toThrow(FrameError);
    expect(() => parseClientFrame(text)).toThrow(`'${field}'`);
  });
});

describe('parseRelayFrame', () => {
  it('keeps the sequence number of a stored envelope', () => {
    const frame = parseRelayFrame(JSON.stringify({ type: 'message', envelope: { ...envelope, seq: 3, at: 10 } }));
    expect(frame).toEqual({ type: 'message', envelope: { ...envelope, seq: 3, at: 10 } });
  });

  it('rejects a message without a sequence number', () => {
    expect(() => parseRelayFrame(JSON.stringify({ type: 'message', envelope }))).toThrow("'envelope.seq'");
  });
});
