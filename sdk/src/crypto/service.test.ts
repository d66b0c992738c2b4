import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../protocol.ts';
import { fromUtf8, randomBytes, toBase64Url, utf8 } from './encoding.ts';
import { loadKey } from './keystore.ts';
import { CryptoService, type Result } from './service.ts';

const ITERATIONS = 1_000; // the real count is 600k; the scheme is the same
const SALT = toBase64Url(randomBytes(16));
const value = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.value;
};

/** A visitor and an agent device sharing conversation `c1` (and `c2`). */
async function pair() {
  const agent = new CryptoService();
  value(await agent.unlock('agent password', SALT, ITERATIONS));
  const backup = value(await agent.createInboxKey('test/site'));
  const visitor = new CryptoService();
  const visitorKey = value(await visitor.visitorIdentity('test/site'));
  for (const id of ['c1', 'c2']) {
    value(await visitor.openConversation(id, backup.publicKey));
    value(await agent.openConversation(id, visitorKey));
  }
  return { agent, visitor, backup, visitorKey };
}

const flip = (text: string, at = 0) => {
  const bytes = Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  bytes[at]! ^= 0x01;
  return toBase64Url(bytes);
};

describe('CryptoService', () => {
  it('round-trips a message both ways, with the sender bound to the role', async () => {
    const { agent, visitor } = await pair();
    const sent = value(await visitor.encrypt('c1', 'm1', utf8('Hello, où est ma commande ? 📦')));
    expect(sent).toMatchObject({ v: 1, conversationId: 'c1', id: 'm1', from: 'visitor' });
    expect(sent.ct).not.toContain('Hello');
    expect(fromUtf8(value(await agent.decrypt(sent)))).toBe('Hello, où est ma commande ? 📦');

    const reply = value(await agent.encrypt('c1', 'm2', utf8('On its way')));
    expect(reply.from).toBe('agent');
    expect(fromUtf8(value(await visitor.decrypt(reply)))).toBe('On its way');
  });

  it.each<[string, (e: Envelope) => Envelope]>([
    ['a flipped bit in the ciphertext', (e) => ({ ...e, ct: flip(e.ct, 3) })],
    ['a flipped bit in the tag', (e) => ({ ...e, ct: flip(e.ct, Math.floor((e.ct.length * 3) / 4) - 1) })],
    ['a flipped bit in the nonce', (e) => ({ ...e, iv: flip(e.iv) })],
    ['another conversation id', (e) => ({ ...e, conversationId: 'c2' })],
    ['another sender', (e) => ({ ...e, from: 'agent' })],
    ['another message id', (e) => ({ ...e, id: 'm9' })],
  ])('rejects %s with a typed failure and keeps working', async (_, tamper) => {
    const { agent, visitor } = await pair();
    const sent = value(await visitor.encrypt('c1', 'm1', utf8('secret')));
    const result = await agent.decrypt(tamper(sent));
    expect(result).toMatchObject({ ok: false, code: 'decrypt_failed' });
    expect(fromUtf8(value(await agent.decrypt(sent)))).toBe('secret');
  });

  it('refuses a conversation it has not opened, and a malformed peer key', async () => {
    const { agent, visitor } = await pair();
    expect(await visitor.encrypt('nope', 'm1', utf8('x'))).toMatchObject({ ok: false, code: 'no_key' });
    expect(await agent.openConversation('c3', 'not-a-key')).toMatchObject({ ok: false, code: 'bad_key' });
  });

  it('keeps private keys non-extractable in IndexedDB', async () => {
    await pair();
    const stored = await loadKey('test/site:visitor');
    expect(stored?.privateKey.extractable).toBe(false);
    const inbox = await loadKey('test/site:agent');
    expect(inbox?.privateKey.extractable).toBe(false);
  });

  it('restores the inbox key on a new device from the password, and only from it', async () => {
    const { visitor, backup, visitorKey } = await pair();
    const sent = value(await visitor.encrypt('c1', 'm1', utf8('for any agent device')));

    const device = new CryptoService();
    value(await device.unlock('agent password', SALT, ITERATIONS));
    expect(value(await device.restoreInboxKey('other/site', backup))).toBe(backup.publicKey);
    value(await device.openConversation('c1', visitorKey));
    expect(fromUtf8(value(await device.decrypt(sent)))).toBe('for any agent device');

    const intruder = new CryptoService();
    value(await intruder.unlock('wrong password', SALT, ITERATIONS));
    expect(await intruder.restoreInboxKey('third/site', backup)).toMatchObject({ ok: false, code: 'wrong_password' });
    const swapped = { ...backup, publicKey: visitorKey };
    expect(await device.restoreInboxKey('other/site', swapped)).toMatchObject({ ok: false, code: 'wrong_password' });
  });

  it('derives the same auth key from the same password and a different one otherwise', async () => {
    const a = value(await new CryptoService().unlock('pw', SALT, ITERATIONS));
    const b = value(await new CryptoService().unlock('pw', SALT, ITERATIONS));
    const c = value(await new CryptoService().unlock('pw2', SALT, ITERATIONS));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
