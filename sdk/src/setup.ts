/**
 * Provisioning an organisation outside the console (scripts, the demo's seed). Runs wherever
 * WebCrypto does (browsers, Node ≥ 20) and produces exactly what the console's first sign-in would:
 * the password's KDF salt, the auth key the relay stores an scrypt hash of, the backup of freshly
 * created organisation keys, and a first signed directory with no devices yet (visitors' messages
 * then reach the inbox key until the first agent device is approved). Private keys stay in this process.
 */
import { createOrgKeys, KDF_ITERATIONS, passwordKeys } from './crypto/backup.ts';
import { directoryTimes, signDirectory } from './crypto/directory.ts';
import { randomBytes, toBase64Url } from './crypto/encoding.ts';
import type { KeyBackup, SignedDirectory } from './protocol.ts';

export interface ProvisionedOrganisation {
  salt: string;
  iterations: number;
  authKey: string;
  keyBackup: KeyBackup;
  directory: SignedDirectory;
}

export async function provisionOrganisation(site: string, password: string, iterations = KDF_ITERATIONS): Promise<ProvisionedOrganisation> {
  const salt = toBase64Url(randomBytes(16));
  const { authKey, wrapKey, params } = await passwordKeys(password, salt, iterations);
  const { keys, backup } = await createOrgKeys(wrapKey, params);
  const directory = await signDirectory(keys.orgKey.privateKey, { v: 2, site, version: 1, ...directoryTimes(), orgKey: keys.orgPublic, inboxKey: keys.inboxPublic, devices: [] });
  return { salt, iterations, authKey, keyBackup: backup, directory };
}

export { KDF_ITERATIONS };
/** The fingerprint a site pins with `data-org-key`. */
export { orgFingerprint } from './crypto/directory.ts';
