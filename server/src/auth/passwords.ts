/**
 * Agents' auth keys at rest. The auth key is already a 256-bit PBKDF2 output (the console stretches
 * the password); scrypt makes a stolen database costlier still.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

export interface AuthHash {
  salt: Buffer;
  hash: Buffer;
}

export async function hashAuthKey(authKey: string): Promise<AuthHash> {
  const salt = randomBytes(16);
  return { salt, hash: await scryptAsync(authKey, salt, 32, SCRYPT) };
}

/** Checks an auth key in constant time, and in constant work when there is no stored hash (an unknown email). */
export async function authKeyMatches(authKey: string, stored: AuthHash | undefined): Promise<boolean> {
  const computed = await scryptAsync(authKey, stored?.salt ?? Buffer.alloc(16), 32, SCRYPT);
  return stored !== undefined && timingSafeEqual(computed, stored.hash);
}
