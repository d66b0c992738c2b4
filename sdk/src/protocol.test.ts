import { describe, expect, it } from 'vitest';
import { FrameError, parseClientFrame, parseRelayFrame } from './protocol.ts';

const envelope = { v: 1, conversationId: 'c1', id: 'm1', from: 'visitor', iv: 'AAAAAAAAAAAAAAAA', ct: 'abc_-' };

describe('parseClientFrame', () => {
  it('accepts the frames of the protocol and drops unknown fields', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'hello', token: 'tok' }))).toEqual({ type: 'hello', token: 'tok' });
    expect(parseClientFrame(JSON.stringify({ type: 'send', envelope: { ...envelope, extra: 1 } }))).toEqual({ type: 'send', envelope });
    expect(parseClientFrame(JSON.stringify({ type: 'sync', conversationId: 'c1', since: 4 }))).toEqual({ type: 'sync', conversationId: 'c1', since: 4 });
  });

  it.each([
    ['not json', '{', 'json'],
    ['an array', '[]', 'frame'],
    ['an unknown type', '{"type":"boom"}', 'type'],
    ['a token with spaces', '{"type":"hello","token":"a b"}', 'token'],
    ['a negative since', '{"type":"sync","conversationId":"c1","since":-1}', 'since'],
    ['a fractional since', '{"type":"sync","conversationId":"c1","since":1.5}', 'since'],
    ['a bad conversation id', JSON.stringify({ type: 'send', envelope: { ...envelope, conversationId: '../x' } }), 'envelope.conversationId'],
    ['an unknown sender', JSON.stringify({ type: 'send', envelope: { ...envelope, from: 'admin' } }), 'envelope.from'],
    ['a future version', JSON.stringify({ type: 'send', envelope: { ...envelope, v: 2 } }), 'envelope.v'],
    ['an empty ciphertext', JSON.stringify({ type: 'send', envelope: { ...envelope, ct: '' } }), 'envelope.ct'],
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
