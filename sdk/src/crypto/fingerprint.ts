/**
 * Safety numbers, computed as libsignal's displayable fingerprint (version 0, 5,200 iterations):
 * per party, SHA-512(0x0000 ‖ key ‖ stable id ‖ key), then 5,199 times SHA-512(hash ‖ key); the
 * first 30 bytes make six 5-digit groups; both halves sorted and joined give 60 digits.
 */
import { utf8 } from './encoding.ts';
import { concat, sha512, type Bytes } from './primitives.ts';

export const FINGERPRINT_ITERATIONS = 5200;

async function half(key: Bytes, stableId: string, iterations: number): Promise<string> {
  let hash = await sha512(concat(new Uint8Array(2), key, utf8(stableId), key));
  for (let i = 1; i < iterations; i++) hash = await sha512(concat(hash, key));
  let digits = '';
  for (let i = 0; i < 30; i += 5) {
    const chunk = hash.subarray(i, i + 5).reduce((n, byte) => n * 256 + byte, 0);
    digits += String(chunk % 100000).padStart(5, '0');
  }
  return digits;
}

/**
 * The 12-digit code a new agent device shows and its approving admin's console computes from the
 * keys the relay reported: the same iterated hash as one half of a safety number, over the device's
 * whole identity (signing key, then identity key) and its id. A relay that reports its own keys
 * instead would have to find keys whose code matches — about 2^40 tries of 5,200 hashes each —
 * before the admin has read it out.
 */
export async function approvalCode(device: { id: string; signingKey: Bytes; identityKey: Bytes }): Promise<string> {
  return (await half(concat(device.signingKey, device.identityKey), `threadline/3 device ${device.id}`, FINGERPRINT_ITERATIONS)).slice(0, 12);
}

/** The 60-digit safety number two parties see alike. */
export async function safetyNumber(local: { key: Bytes; id: string }, remote: { key: Bytes; id: string }, iterations = FINGERPRINT_ITERATIONS): Promise<string> {
  const [a, b] = await Promise.all([half(local.key, local.id, iterations), half(remote.key, remote.id, iterations)]);
  return a < b ? a + b : b + a;
}
