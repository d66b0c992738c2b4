/**
 * Thin, byte-oriented wrappers over WebCrypto: the only primitives Threadline uses
 * (X25519, Ed25519, HKDF-SHA256, HMAC-SHA256, SHA-512, AES-256-GCM). Secret chain and root keys are
 * bytes that never leave the worker; long-term private keys are non-extractable `CryptoKey`s.
 */
export type Bytes = Uint8Array<ArrayBuffer>;

const subtle = () => crypto.subtle;
const EMPTY = new Uint8Array(0);

export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export async function hkdf(ikm: Bytes, salt: Bytes, info: Bytes, length: number): Promise<Bytes> {
  const key = await subtle().importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8));
}

export async function hmacSha256(key: Bytes, ...data: Bytes[]): Promise<Bytes[]> {
  const k = await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return Promise.all(data.map(async (d) => new Uint8Array(await subtle().sign('HMAC', k, d))));
}

export async function sha512(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-512', data));
}

export async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

// ---- X25519 ----

export const generateX25519 = (extractable = false): Promise<CryptoKeyPair> =>
  subtle().generateKey({ name: 'X25519' }, extractable, ['deriveBits']) as Promise<CryptoKeyPair>;

export async function publicBytes(key: CryptoKey): Promise<Bytes> {
  return new Uint8Array(await subtle().exportKey('raw', key));
}

/** X25519(private, public). Rejects for public keys of low order (an all-zero result). */
export async function x25519(privateKey: CryptoKey, publicKey: Bytes): Promise<Bytes> {
  const peer = await subtle().importKey('raw', publicKey, { name: 'X25519' }, false, []);
  return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: peer }, privateKey, 256));
}

// ---- Ed25519 ----

export const generateEd25519 = (): Promise<CryptoKeyPair> =>
  subtle().generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;

export async function sign(privateKey: CryptoKey, data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().sign('Ed25519', privateKey, data));
}

/** Verifies an Ed25519 signature; false (never a throw) for a malformed key or signature. */
export async function verify(publicKey: Bytes, signature: Bytes, data: Bytes): Promise<boolean> {
  try {
    const key = await subtle().importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await subtle().verify('Ed25519', key, signature, data);
  } catch {
    return false;
  }
}

// ---- AES-256-GCM ----

const aesKey = (key: Bytes | CryptoKey, usage: KeyUsage): Promise<CryptoKey> =>
  key instanceof Uint8Array ? subtle().importKey('raw', key, 'AES-GCM', false, [usage]) : Promise.resolve(key);

export async function aesGcmEncrypt(key: Bytes | CryptoKey, iv: Bytes, plaintext: Bytes, ad: Bytes = EMPTY): Promise<Bytes> {
  return new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: ad }, await aesKey(key, 'encrypt'), plaintext));
}

/** Rejects (OperationError) when anything authenticated was altered. */
export async function aesGcmDecrypt(key: Bytes | CryptoKey, iv: Bytes, ciphertext: Bytes, ad: Bytes = EMPTY): Promise<Bytes> {
  return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: ad }, await aesKey(key, 'decrypt'), ciphertext));
}
