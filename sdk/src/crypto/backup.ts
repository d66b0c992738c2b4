/**
 * Agent passwords and the organisation key backup.
 *
 * A password never leaves the browser. PBKDF2-SHA256 stretches it into a master secret, and HKDF
 * splits that into two unrelated keys: the *auth key*, which is all the relay ever sees (it stores
 * an scrypt hash of it), and the *wrap key*, which encrypts the backup of the organisation's private
 * keys (Ed25519 signing key, X25519 inbox key). Knowing the auth key does not help to compute the
 * wrap key, so the relay can check a sign-in but cannot open the backup it stores.
 */
import type { KeyBackup, WrappedKey } from '../protocol.ts';
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './encoding.ts';
import { publicBytes } from './primitives.ts';
import type { OrgKeys } from './vault.ts';

/**
 * OWASP's figure for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet): the iteration count is the
 * relay's to store but not to choose, so the client refuses fewer — a relay asking for 1 would get
 * an auth key it could brute-force, and with the password, the backup it stores. Also the ceiling,
 * so a relay cannot make a sign-in spin either.
 */
export const KDF_ITERATIONS = 600_000;
const MAX_KDF_ITERATIONS = 10 * KDF_ITERATIONS;

export class WeakKdfError extends Error {}

/** The parameters the backup is bound to (its associated data): changing them cannot go unnoticed. */
export const kdfParams = (salt: string, iterations: number) => `pbkdf2-sha256 ${iterations} ${salt}`;

export async function passwordKeys(password: string, salt: string, iterations: number): Promise<{ authKey: string; wrapKey: CryptoKey; params: string }> {
  if (!Number.isSafeInteger(iterations) || iterations < KDF_ITERATIONS || iterations > MAX_KDF_ITERATIONS) {
    throw new WeakKdfError(`the relay asked for ${iterations} PBKDF2 iterations`);
  }
  const subtle = crypto.subtle;
  const pw = await subtle.importKey('raw', utf8(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const master = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64Url(salt), iterations }, pw, 256);
  const hkdf = await subtle.importKey('raw', master, 'HKDF', false, ['deriveBits', 'deriveKey']);
  const params = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) });
  const auth = await subtle.deriveBits(params('threadline/1 agent auth'), hkdf, 256);
  const wrapKey = await subtle.deriveKey(params('threadline/1 key backup'), hkdf, { name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  return { authKey: toBase64Url(new Uint8Array(auth)), wrapKey, params: kdfParams(salt, iterations) };
}

const ALGORITHMS = { orgKey: 'Ed25519', inboxKey: 'X25519' } as const;
const USAGES: Record<keyof typeof ALGORITHMS, KeyUsage[]> = { orgKey: ['sign'], inboxKey: ['deriveBits'] };

const wrapParams = (name: string, iv: Uint8Array<ArrayBuffer>, publicKey: string, kdf: string): AesGcmParams => ({
  name: 'AES-GCM',
  iv,
  additionalData: utf8(`threadline/2 ${name}\n${publicKey}\n${kdf}`),
});

async function wrap(name: keyof typeof ALGORITHMS, keyPair: CryptoKeyPair, wrapKey: CryptoKey, kdf: string): Promise<WrappedKey> {
  const publicKey = toBase64Url(await publicBytes(keyPair.publicKey));
  const iv = randomBytes(12);
  const wrapped = await crypto.subtle.wrapKey('pkcs8', keyPair.privateKey, wrapKey, wrapParams(name, iv, publicKey, kdf));
  return { publicKey, iv: toBase64Url(iv), wrapped: toBase64Url(new Uint8Array(wrapped)) };
}

async function unwrap(name: keyof typeof ALGORITHMS, item: WrappedKey, wrapKey: CryptoKey, kdf: string): Promise<CryptoKeyPair> {
  const subtle = crypto.subtle;
  const privateKey = await subtle.unwrapKey('pkcs8', fromBase64Url(item.wrapped), wrapKey, wrapParams(name, fromBase64Url(item.iv), item.publicKey, kdf), { name: ALGORITHMS[name] }, false, USAGES[name]);
  const publicKey = await subtle.importKey('raw', fromBase64Url(item.publicKey), { name: ALGORITHMS[name] }, true, name === 'orgKey' ? ['verify'] : []);
  return { privateKey, publicKey };
}

/** Creates the organisation's keys; the private halves exist extractable only until wrapped. */
export async function createOrgKeys(wrapKey: CryptoKey, kdf: string): Promise<{ keys: OrgKeys; backup: KeyBackup }> {
  const subtle = crypto.subtle;
  const org = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const inbox = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const backup: KeyBackup = { v: 2, orgKey: await wrap('orgKey', org, wrapKey, kdf), inboxKey: await wrap('inboxKey', inbox, wrapKey, kdf) };
  return { keys: await restoreOrgKeys(wrapKey, backup, kdf), backup };
}

/** Opens a backup into non-extractable keys. Rejects when the wrap key (password) or the KDF parameters are wrong. */
export async function restoreOrgKeys(wrapKey: CryptoKey, backup: KeyBackup, kdf: string): Promise<OrgKeys> {
  return {
    orgKey: await unwrap('orgKey', backup.orgKey, wrapKey, kdf),
    inboxKey: await unwrap('inboxKey', backup.inboxKey, wrapKey, kdf),
    orgPublic: backup.orgKey.publicKey,
    inboxPublic: backup.inboxKey.publicKey,
  };
}
