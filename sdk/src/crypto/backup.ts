/**
 * Agent passwords and the organisation key backup.
 *
 * A password never leaves the browser. PBKDF2-SHA256 stretches it into a master secret, and HKDF
 * splits that into two unrelated keys: the *auth key*, which is all the relay ever sees (it stores
 * an scrypt hash of it), and the *wrap key*, which encrypts the backup of the organisation's inbox
 * private key. Knowing the auth key does not help to compute the wrap key, so the relay can check
 * a sign-in but cannot open the backup it stores.
 */
import type { KeyBackup } from '../protocol.ts';
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './encoding.ts';

export const KDF_ITERATIONS = 600_000;

export interface PasswordKeys {
  authKey: string;
  wrapKey: CryptoKey;
}

export async function passwordKeys(password: string, salt: string, iterations: number): Promise<PasswordKeys> {
  const subtle = crypto.subtle;
  const pw = await subtle.importKey('raw', utf8(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const master = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64Url(salt), iterations },
    pw,
    256,
  );
  const hkdf = await subtle.importKey('raw', master, 'HKDF', false, ['deriveBits', 'deriveKey']);
  const empty = new Uint8Array(0);
  const auth = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: empty, info: utf8('threadline/1 agent auth') },
    hkdf,
    256,
  );
  const wrapKey = await subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: empty, info: utf8('threadline/1 key backup') },
    hkdf,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
  return { authKey: toBase64Url(new Uint8Array(auth)), wrapKey };
}

const wrapParams = (iv: Uint8Array<ArrayBuffer>, publicKey: string): AesGcmParams => ({
  name: 'AES-GCM',
  iv,
  additionalData: utf8(`threadline/1 inbox key\n${publicKey}`),
});

/** Creates the organisation's inbox key pair: a non-extractable private key and its backup. */
export async function createInboxKey(wrapKey: CryptoKey): Promise<{ keyPair: CryptoKeyPair; backup: KeyBackup }> {
  const subtle = crypto.subtle;
  const fresh = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = toBase64Url(new Uint8Array(await subtle.exportKey('raw', fresh.publicKey)));
  const iv = randomBytes(12);
  const wrapped = await subtle.wrapKey('pkcs8', fresh.privateKey, wrapKey, wrapParams(iv, publicKey));
  const backup: KeyBackup = { v: 1, publicKey, iv: toBase64Url(iv), wrapped: toBase64Url(new Uint8Array(wrapped)) };
  return { keyPair: await restoreInboxKey(wrapKey, backup), backup };
}

/** Opens a backup into a key pair whose private half is non-extractable. Rejects on a wrong key. */
export async function restoreInboxKey(wrapKey: CryptoKey, backup: KeyBackup): Promise<CryptoKeyPair> {
  const subtle = crypto.subtle;
  const privateKey = await subtle.unwrapKey(
    'pkcs8',
    fromBase64Url(backup.wrapped),
    wrapKey,
    wrapParams(fromBase64Url(backup.iv), backup.publicKey),
    { name: 'X25519' },
    false,
    ['deriveBits'],
  );
  const publicKey = await subtle.importKey('raw', fromBase64Url(backup.publicKey), { name: 'X25519' }, true, []);
  return { privateKey, publicKey };
}
