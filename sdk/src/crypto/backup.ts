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

export const KDF_ITERATIONS = 600_000;

export async function passwordKeys(password: string, salt: string, iterations: number): Promise<{ authKey: string; wrapKey: CryptoKey }> {
  const subtle = crypto.subtle;
  const pw = await subtle.importKey('raw', utf8(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const master = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64Url(salt), iterations }, pw, 256);
  const hkdf = await subtle.importKey('raw', master, 'HKDF', false, ['deriveBits', 'deriveKey']);
  const params = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) });
  const auth = await subtle.deriveBits(params('threadline/1 agent auth'), hkdf, 256);
  const wrapKey = await subtle.deriveKey(params('threadline/1 key backup'), hkdf, { name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
  return { authKey: toBase64Url(new Uint8Array(auth)), wrapKey };
}

const ALGORITHMS = { orgKey: 'Ed25519', inboxKey: 'X25519' } as const;
const USAGES: Record<keyof typeof ALGORITHMS, KeyUsage[]> = { orgKey: ['sign'], inboxKey: ['deriveBits'] };

const wrapParams = (name: string, iv: Uint8Array<ArrayBuffer>, publicKey: string): AesGcmParams => ({
  name: 'AES-GCM',
  iv,
  additionalData: utf8(`threadline/2 ${name}\n${publicKey}`),
});

async function wrap(name: keyof typeof ALGORITHMS, keyPair: CryptoKeyPair, wrapKey: CryptoKey): Promise<WrappedKey> {
  const publicKey = toBase64Url(await publicBytes(keyPair.publicKey));
  const iv = randomBytes(12);
  const wrapped = await crypto.subtle.wrapKey('pkcs8', keyPair.privateKey, wrapKey, wrapParams(name, iv, publicKey));
  return { publicKey, iv: toBase64Url(iv), wrapped: toBase64Url(new Uint8Array(wrapped)) };
}

async function unwrap(name: keyof typeof ALGORITHMS, item: WrappedKey, wrapKey: CryptoKey): Promise<CryptoKeyPair> {
  const subtle = crypto.subtle;
  const privateKey = await subtle.unwrapKey('pkcs8', fromBase64Url(item.wrapped), wrapKey, wrapParams(name, fromBase64Url(item.iv), item.publicKey), { name: ALGORITHMS[name] }, false, USAGES[name]);
  const publicKey = await subtle.importKey('raw', fromBase64Url(item.publicKey), { name: ALGORITHMS[name] }, true, name === 'orgKey' ? ['verify'] : []);
  return { privateKey, publicKey };
}

/** Creates the organisation's keys; the private halves exist extractable only until wrapped. */
export async function createOrgKeys(wrapKey: CryptoKey): Promise<{ keys: OrgKeys; backup: KeyBackup }> {
  const subtle = crypto.subtle;
  const org = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const inbox = (await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const backup: KeyBackup = { v: 2, orgKey: await wrap('orgKey', org, wrapKey), inboxKey: await wrap('inboxKey', inbox, wrapKey) };
  return { keys: await restoreOrgKeys(wrapKey, backup), backup };
}

/** Opens a backup into non-extractable keys. Rejects when the wrap key (password) is wrong. */
export async function restoreOrgKeys(wrapKey: CryptoKey, backup: KeyBackup): Promise<OrgKeys> {
  return {
    orgKey: await unwrap('orgKey', backup.orgKey, wrapKey),
    inboxKey: await unwrap('inboxKey', backup.inboxKey, wrapKey),
    orgPublic: backup.orgKey.publicKey,
    inboxPublic: backup.inboxKey.publicKey,
  };
}
