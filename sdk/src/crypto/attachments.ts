/**
 * Encrypted attachments: a fresh AES-256-GCM key per file, 64 KiB chunks, each chunk's index and a
 * last-chunk flag in its associated data (so chunks cannot be reordered, dropped or the file cut
 * short), and the SHA-256 of the whole ciphertext, which the message carries and the reader checks.
 */
import { utf8 } from './encoding.ts';
import { aesGcmDecrypt, aesGcmEncrypt, sha256, type Bytes } from './primitives.ts';

export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;

const nonce = (index: number): Bytes => {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setUint32(8, index);
  return iv;
};
const chunkAd = (index: number, last: boolean) => utf8(`threadline/2 file\n${index}\n${last ? 1 : 0}`);

export async function sealFile(plaintext: Bytes): Promise<{ ciphertext: Bytes; key: Bytes; hash: Bytes }> {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const aes = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const chunks = Math.max(1, Math.ceil(plaintext.length / CHUNK_BYTES));
  const ciphertext = new Uint8Array(plaintext.length + chunks * TAG_BYTES);
  for (let i = 0; i < chunks; i++) {
    const part = plaintext.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
    ciphertext.set(await aesGcmEncrypt(aes, nonce(i), part, chunkAd(i, i === chunks - 1)), i * (CHUNK_BYTES + TAG_BYTES));
  }
  return { ciphertext, key, hash: await sha256(ciphertext) };
}

/** Throws when the hash does not match or any chunk was altered, reordered or cut off. */
export async function openFile(ciphertext: Bytes, key: Bytes, hash: Bytes): Promise<Bytes> {
  const actual = await sha256(ciphertext);
  if (actual.some((byte, i) => byte !== hash[i])) throw new Error('the file does not match the hash its message carries');
  const aes = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
  const stride = CHUNK_BYTES + TAG_BYTES;
  const chunks = Math.max(1, Math.ceil(ciphertext.length / stride));
  const plaintext = new Uint8Array(ciphertext.length - chunks * TAG_BYTES);
  for (let i = 0; i < chunks; i++) {
    const part = ciphertext.subarray(i * stride, (i + 1) * stride);
    plaintext.set(await aesGcmDecrypt(aes, nonce(i), part, chunkAd(i, i === chunks - 1)), i * CHUNK_BYTES);
  }
  return plaintext;
}
