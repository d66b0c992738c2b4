import { describe, expect, it } from 'vitest';
import { randomBytes, utf8, fromUtf8 } from './encoding.ts';
import { generateX25519 } from './primitives.ts';
import { initiate, MAX_SKIP, MAX_SKIPPED_KEYS, ratchetDecrypt, ratchetEncrypt, respond, type RatchetState } from './ratchet.ts';

const AD = utf8('ad');

async function pair(): Promise<{ alice: RatchetState; bob: RatchetState }> {
  const rootKey = randomBytes(32);
  const chainKey = randomBytes(32);
  const bobPrekey = await generateX25519();
  const bob = await respond(rootKey, chainKey, bobPrekey);
  const alice = await initiate(rootKey, chainKey, bob.sending.publicKey);
  return { alice, bob };
}

async function send(state: RatchetState, count: number) {
  const sent = [];
  for (let i = 0; i < count; i++) {
    const result = await ratchetEncrypt(state, utf8(`m${i}`), AD);
    state = result.state;
    sent.push(result);
  }
  return { state, sent };
}

describe('Double Ratchet', () => {
  it('opens messages out of order, each once', async () => {
    let { alice, bob } = await pair();
    const { sent } = await send(alice, 5);
    void alice;
    for (const i of [3, 0, 4, 1, 2]) {
      const { state, plaintext } = await ratchetDecrypt(bob, sent[i]!.header, sent[i]!.ciphertext, AD);
      bob = state;
      expect(fromUtf8(plaintext)).toBe(`m${i}`);
    }
    expect(bob.skipped).toHaveLength(0);
    await expect(ratchetDecrypt(bob, sent[2]!.header, sent[2]!.ciphertext, AD)).rejects.toMatchObject({ code: 'duplicate' });
  });

  it(`refuses a message more than ${MAX_SKIP} ahead and changes nothing`, async () => {
    const { alice, bob } = await pair();
    const { sent } = await send(alice, 1);
    const ahead = { ...sent[0]!.header, n: MAX_SKIP + 1 };
    const before = structuredClone({ skipped: bob.skipped, receiving: bob.receiving, rootKey: bob.rootKey });
    await expect(ratchetDecrypt(bob, ahead, sent[0]!.ciphertext, AD)).rejects.toMatchObject({ code: 'too_many_skipped' });
    expect({ skipped: bob.skipped, receiving: bob.receiving, rootKey: bob.rootKey }).toEqual(before);
    expect(fromUtf8((await ratchetDecrypt(bob, sent[0]!.header, sent[0]!.ciphertext, AD)).plaintext)).toBe('m0');
  });

  it('leaves the state untouched when a message fails to authenticate', async () => {
    const { alice, bob } = await pair();
    const { sent } = await send(alice, 3);
    const tampered = sent[2]!.ciphertext.slice();
    tampered[0]! ^= 1;
    await expect(ratchetDecrypt(bob, sent[2]!.header, tampered, AD)).rejects.toMatchObject({ code: 'decrypt_failed' });
    expect(bob.receiving).toBeNull();
    expect(bob.skipped).toHaveLength(0);
    const { plaintext } = await ratchetDecrypt(bob, sent[0]!.header, sent[0]!.ciphertext, AD);
    expect(fromUtf8(plaintext)).toBe('m0');
  });

  it(`keeps at most ${MAX_SKIPPED_KEYS} skipped keys, dropping the oldest`, { timeout: 60_000 }, async () => {
    let { alice, bob } = await pair();
    // Three chains of 900 lost messages each, then one delivered message per chain.
    for (let chain = 0; chain < 3; chain++) {
      const skippedChain = await send(alice, 901);
      alice = skippedChain.state;
      const last = skippedChain.sent.at(-1)!;
      bob = (await ratchetDecrypt(bob, last.header, last.ciphertext, AD)).state;
      const reply = await ratchetEncrypt(bob, utf8('ack'), AD);
      bob = reply.state;
      alice = (await ratchetDecrypt(alice, reply.header, reply.ciphertext, AD)).state;
    }
    expect(bob.skipped).toHaveLength(MAX_SKIPPED_KEYS);
  });
});
