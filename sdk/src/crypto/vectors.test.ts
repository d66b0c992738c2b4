/**
 * Known-answer tests against published vectors (kept verbatim as JSON in ./vectors): RFC 7748,
 * RFC 5869, RFC 4231, RFC 8032, McGrew–Viega GCM, a Wycheproof subset, and libsignal's chain-key,
 * session and fingerprint vectors — run through the same functions the worker uses.
 */
import { describe, expect, it } from 'vitest';
import { safetyNumber } from './fingerprint.ts';
import { aesGcmDecrypt, aesGcmEncrypt, concat, hkdf, hmacSha256, verify, x25519, type Bytes } from './primitives.ts';
import { chainStep, messageKeys } from './ratchet.ts';
import { x3dhInitiator, x3dhResponder } from './x3dh.ts';
import libsignal from './vectors/libsignal.json';
import rfc from './vectors/rfc.json';
import wycheproof from './vectors/wycheproof.json';

const hex = (text: string): Bytes => Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** libsignal serialises public keys as 0x05 ‖ 32 bytes. */
const djb = (text: string) => hex(text).slice(1);

/** WebCrypto imports a raw X25519 scalar only as PKCS #8. */
const x25519Private = (scalar: string) =>
  crypto.subtle.importKey('pkcs8', concat(hex('302e020100300506032b656e04220420'), hex(scalar)), { name: 'X25519' }, false, ['deriveBits']);

describe('RFC vectors', () => {
  it.each(rfc.x25519.scalarMult)('X25519: $source', async ({ scalar, u, output }) => {
    expect(toHex(await x25519(await x25519Private(scalar), hex(u)))).toBe(output);
  });

  it('X25519 Diffie-Hellman: RFC 7748 6.1', async () => {
    const dh = rfc.x25519.diffieHellman;
    expect(toHex(await x25519(await x25519Private(dh.alicePrivate), hex(dh.bobPublic)))).toBe(dh.sharedSecret);
    expect(toHex(await x25519(await x25519Private(dh.bobPrivate), hex(dh.alicePublic)))).toBe(dh.sharedSecret);
  });

  it.each(rfc.hkdf)('HKDF-SHA256: $source', async ({ ikm, salt, info, L, okm }) => {
    expect(toHex(await hkdf(hex(ikm), hex(salt), hex(info), L))).toBe(okm);
  });

  it.each(rfc.hmac)('HMAC-SHA256: $source', async ({ key, data, hmacSha256: expected }) => {
    const [mac] = await hmacSha256(hex(key), hex(data));
    expect(toHex(mac!).slice(0, expected.length)).toBe(expected);
  });

  it.each(rfc.ed25519)('Ed25519 verify: $source', async ({ publicKey, message, signature }) => {
    expect(await verify(hex(publicKey), hex(signature), hex(message))).toBe(true);
    const forged = hex(signature);
    forged[0]! ^= 1;
    expect(await verify(hex(publicKey), forged, hex(message))).toBe(false);
  });

  it.each(rfc.aesGcm)('AES-256-GCM: $source', async ({ key, iv, plaintext, aad, ciphertext, tag }) => {
    const sealed = await aesGcmEncrypt(hex(key), hex(iv), hex(plaintext), hex(aad));
    expect(toHex(sealed)).toBe(ciphertext + tag);
    expect(toHex(await aesGcmDecrypt(hex(key), hex(iv), sealed, hex(aad)))).toBe(plaintext);
  });
});

describe('Wycheproof', () => {
  it.each(wycheproof.x25519.tests)('X25519 #$tcId $comment', async ({ private: scalar, public: peer, shared }) => {
    const key = await x25519Private(scalar);
    if (/^0+$/.test(shared)) await expect(x25519(key, hex(peer))).rejects.toThrow();
    else expect(toHex(await x25519(key, hex(peer)))).toBe(shared);
  });

  it.each(wycheproof.aesGcm.tests)('AES-GCM #$tcId $comment ($result)', async ({ key, iv, aad, msg, ct, tag, result }) => {
    const opened = aesGcmDecrypt(hex(key), hex(iv), hex(ct + tag), hex(aad));
    if (result === 'invalid') await expect(opened).rejects.toThrow();
    else {
      expect(toHex(await opened)).toBe(msg);
      expect(toHex(await aesGcmEncrypt(hex(key), hex(iv), hex(msg), hex(aad)))).toBe(ct + tag);
    }
  });
});

describe('libsignal vectors', () => {
  it('chain key: message keys and next chain key (keys.rs)', async () => {
    const { seedChainKey, expected } = libsignal.chainKey;
    const step = await chainStep(hex(seedChainKey));
    const keys = await messageKeys(step.seed);
    expect(toHex(keys.cipherKey)).toBe(expected.cipherKey);
    expect(toHex(keys.macKey)).toBe(expected.macKey);
    expect(toHex(step.next)).toBe(expected.nextChainKey);
  });

  it('session as Bob: X3DH responder chain key (ratchet.rs)', async () => {
    const { inputs, expected } = libsignal.ratchetSession.asBob;
    const { chainKey } = await x3dhResponder(
      { identity: await x25519Private(inputs.bobIdentityPrivate), signedPrekey: await x25519Private(inputs.bobSignedPrekeyPrivate) },
      { identityKey: djb(inputs.aliceIdentityPublic), baseKey: djb(inputs.aliceBasePublic) },
    );
    expect(toHex(chainKey)).toBe(expected.senderChainKey);
  });

  it('session as Alice: X3DH initiator chain key (ratchet.rs)', async () => {
    const { inputs, expected } = libsignal.ratchetSession.asAlice;
    const { chainKey } = await x3dhInitiator(
      { identity: await x25519Private(inputs.aliceIdentityPrivate), base: await x25519Private(inputs.aliceBasePrivate) },
      { identityKey: djb(inputs.bobIdentityPublic), signedPrekey: djb(inputs.bobSignedPrekeyPublic) },
    );
    expect(toHex(chainKey)).toBe(expected.receiverChainKeyForBobEphemeral);
  });

  it('displayable fingerprint: 60 digits, the same from both sides (fingerprint.rs)', async () => {
    const f = libsignal.fingerprint;
    const alice = { key: hex(f.aliceIdentityKey), id: f.aliceStableId };
    const bob = { key: hex(f.bobIdentityKey), id: f.bobStableId };
    expect(await safetyNumber(alice, bob)).toBe(f.displayable.expected);
    expect(await safetyNumber(bob, alice)).toBe(f.displayable.expected);
  });
});
