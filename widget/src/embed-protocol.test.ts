import { describe, expect, test } from 'vitest';
import { checkSender, EMBED_VERSION, EmbedError, fromFrame, fromHost } from './embed-protocol.ts';

const hello = { v: EMBED_VERSION, t: 'hello', site: 'demo', locale: 'en', theme: { '--tl-accent': '#123456' } };

/** The code of the EmbedError `run` throws (a test fails if it throws anything else, or nothing). */
function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EmbedError);
    expect((error as Error).message).toMatch(/^Threadline: failed to accept a message between the page and the chat frame: .+\. Check/);
    return (error as EmbedError).code;
  }
  throw new Error('accepted');
}

describe('fromHost', () => {
  test('accepts a hello and each call', () => {
    expect(fromHost(hello)).toEqual(hello);
    for (const name of ['open', 'close', 'toggle']) expect(fromHost({ v: 1, t: 'call', id: 1, name })).toMatchObject({ name });
    expect(fromHost({ v: 1, t: 'call', id: 2, name: 'send', arg: 'hi' })).toMatchObject({ arg: 'hi' });
    expect(fromHost({ v: 1, t: 'call', id: 3, name: 'config', arg: { locale: 'fr' } })).toMatchObject({ arg: { locale: 'fr' } });
  });

  test.each([
    ['not an object', 'hello'],
    ['null', null],
    ['an array', [1]],
    ['no type', { v: 1 }],
    ['a hello without a site', { ...hello, site: '' }],
    ['a hello with a site that is not text', { ...hello, site: 42 }],
    ['a hello without a theme', { ...hello, theme: undefined }],
    ['a theme property outside --tl-', { ...hello, theme: { color: 'red' } }],
    ['a theme value that is not text', { ...hello, theme: { '--tl-accent': {} } }],
    ['a call without an id', { v: 1, t: 'call', name: 'open' }],
    ['a call with a negative id', { v: 1, t: 'call', id: -1, name: 'open' }],
    ['an unknown call', { v: 1, t: 'call', id: 1, name: 'history' }],
    ['a send without text', { v: 1, t: 'call', id: 1, name: 'send', arg: '  ' }],
    ['a send of an object', { v: 1, t: 'call', id: 1, name: 'send', arg: { text: 'x' } }],
    ['a config with a bad locale', { v: 1, t: 'call', id: 1, name: 'config', arg: { locale: 7 } }],
  ])('refuses %s as bad_message', (_, data) => expect(codeOf(() => fromHost(data))).toBe('bad_message'));

  test('refuses another version as bad_version', () => {
    expect(codeOf(() => fromHost({ ...hello, v: 2 }))).toBe('bad_version');
    expect(codeOf(() => fromHost({ ...hello, v: undefined }))).toBe('bad_version');
  });
});

describe('fromFrame', () => {
  const message = { id: 'm1', from: 'agent', at: 1, channel: 'whatsapp' };
  test('accepts each frame message', () => {
    for (const data of [
      { v: 1, t: 'loaded' },
      { v: 1, t: 'refused' },
      { v: 1, t: 'state', open: true, unread: 3, label: 'Close chat' },
      { v: 1, t: 'message', message },
      { v: 1, t: 'handoff', channel: 'whatsapp' },
      { v: 1, t: 'result', id: 4, value: message },
      { v: 1, t: 'result', id: 5, error: 'Threadline: failed to send…' },
    ]) {
      expect(fromFrame(data)).toEqual(data);
    }
  });

  test.each([
    ['an unknown type', { v: 1, t: 'history' }],
    ['a state with an unread count that is not a count', { v: 1, t: 'state', open: true, unread: -1, label: '' }],
    ['a state without open', { v: 1, t: 'state', unread: 0, label: '' }],
    ['a message without metadata', { v: 1, t: 'message' }],
    ['a message from someone else', { v: 1, t: 'message', message: { ...message, from: 'relay' } }],
    ['a message whose text is not text', { v: 1, t: 'message', message: { ...message, text: 5 } }],
    ['a result without an id', { v: 1, t: 'result' }],
  ])('refuses %s as bad_message', (_, data) => expect(codeOf(() => fromFrame(data))).toBe('bad_message'));

  test('refuses another version as bad_version', () => expect(codeOf(() => fromFrame({ v: 0, t: 'loaded' }))).toBe('bad_version'));
});

describe('checkSender', () => {
  const frame = {} as Window;
  const event = (origin: string, source: unknown) => ({ origin, source }) as MessageEvent;
  test('passes the expected origin and window', () => expect(() => checkSender(event('http://localhost:1', frame), 'http://localhost:1', frame)).not.toThrow());
  test('refuses another origin', () => expect(codeOf(() => checkSender(event('https://evil.example', frame), 'http://localhost:1', frame))).toBe('wrong_origin'));
  test('refuses another window, or none', () => {
    expect(codeOf(() => checkSender(event('http://localhost:1', {}), 'http://localhost:1', frame))).toBe('wrong_source');
    expect(codeOf(() => checkSender(event('http://localhost:1', null), 'http://localhost:1', null))).toBe('wrong_source');
  });
});
