import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, openFile, sealFile } from './attachments.ts';
import { sha256 } from './primitives.ts';

const file = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff);
const stride = CHUNK_BYTES + 16;

describe('encrypted attachments', () => {
  it.each([0, 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 123])('round-trips %i bytes', async (size) => {
    const plaintext = file(size);
    const { ciphertext, key, hash } = await sealFile(plaintext);
    expect(ciphertext.length).toBe(size + Math.max(1, Math.ceil(size / CHUNK_BYTES)) * 16);
    expect(await openFile(ciphertext, key, hash)).toEqual(plaintext);
  });

  it('refuses a wrong hash, a flipped bit, swapped chunks and a file cut after a chunk', async () => {
    const { ciphertext, key, hash } = await sealFile(file(3 * CHUNK_BYTES + 10));
    const badHash = hash.slice();
    badHash[0]! ^= 1;
    await expect(openFile(ciphertext, key, badHash)).rejects.toThrow(/hash/);

    const flipped = ciphertext.slice();
    flipped[5]! ^= 1;
    await expect(openFile(flipped, key, await sha256(flipped))).rejects.toThrow();

    const swapped = ciphertext.slice();
    swapped.set(ciphertext.subarray(stride, 2 * stride), 0);
    swapped.set(ciphertext.subarray(0, stride), stride);
    await expect(openFile(swapped, key, await sha256(swapped))).rejects.toThrow();

    const cut = ciphertext.slice(0, 2 * stride);
    await expect(openFile(cut, key, await sha256(cut))).rejects.toThrow();
  });
});
