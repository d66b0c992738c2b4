/**
 * Provisioning an organisation's first agent outside the console (scripts, the demo's seed).
 * Runs wherever WebCrypto does (browsers, Node ≥ 20) and produces exactly what the console would:
 * the password's KDF salt, the auth key the relay stores an scrypt hash of, and the backup of a
 * freshly created inbox key. The password and the private key stay in this process.
 */
import { createInboxKey, KDF_ITERATIONS, passwordKeys } from './crypto/backup.ts';
import { randomBytes, toBase64Url } from './crypto/encoding.ts';
import type { KeyBackup } from './protocol.ts';

export interface ProvisionedAgent {
  salt: string;
  iterations: number;
  authKey: string;
  keyBackup: KeyBackup;
}

export async function provisionFirstAgent(password: string, iterations = KDF_ITERATIONS): Promise<ProvisionedAgent> {
  const salt = toBase64Url(randomBytes(16));
  const { authKey, wrapKey } = await passwordKeys(password, salt, iterations);
  const { backup } = await createInboxKey(wrapKey);
  return { salt, iterations, authKey, keyBackup: backup };
}

export { KDF_ITERATIONS };
