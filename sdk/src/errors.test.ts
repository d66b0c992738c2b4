import { describe, expect, it } from 'vitest';
import { ConfigError, CryptoError, fromWire, QuotaExceededError, ThreadlineError, toWire } from './errors.ts';

describe('errors across tabs and frames', () => {
  it('keep their class, code and message through a structured clone', () => {
    for (const error of [new ConfigError('bad_text', 'send the message', 'the text is empty', 'Fill it in.'), new CryptoError('tampered', 'open the message', 'it was altered', 'Ask again.'), new QuotaExceededError('quota_exceeded', 'send', 'storage is full', 'It waits.')]) {
      const again = fromWire(structuredClone(toWire(error)));
      expect(again).toBeInstanceOf(error.constructor);
      expect(again).toBeInstanceOf(ThreadlineError);
      expect([again.name, again.code, again.message]).toEqual([error.name, error.code, error.message]);
    }
  });

  it('turn a foreign error into a ThreadlineError with code internal, and an unknown class into the base class', () => {
    expect(fromWire(toWire(new TypeError('x is not a function')))).toMatchObject({ name: 'ThreadlineError', code: 'internal', message: 'x is not a function' });
    const forged = fromWire({ name: 'toString', code: 'c', message: 'm' });
    expect(forged.constructor).toBe(ThreadlineError);
  });
});
