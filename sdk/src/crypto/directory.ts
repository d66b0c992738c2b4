/**
 * The organisation's key directory: the agent devices visitors encrypt to, and the inbox key,
 * signed by the organisation's Ed25519 key. A client trusts a directory only if that key matches
 * the site's pin (`data-org-key`), or the key it trusted on first use, and it never goes back to an
 * older version (a relay replaying a directory from before a revocation). A directory expires, so a
 * relay cannot replay an old one to a browser that has never seen a newer one either: an admin's
 * console re-signs it well before then.
 */
import { parseDirectoryText, type Directory, type SignedDirectory } from '../protocol.ts';
import { fromBase64Url, toBase64Url, utf8 } from './encoding.ts';
import { sha256, sign, verify } from './primitives.ts';
import type { Trust } from './vault.ts';

/** The fingerprint a business pins in its script tag: base64url(SHA-256(org public key)). */
export async function orgFingerprint(orgKey: string): Promise<string> {
  return toBase64Url(await sha256(fromBase64Url(orgKey)));
}

export async function signDirectory(orgKey: CryptoKey, directory: Directory): Promise<SignedDirectory> {
  const text = JSON.stringify(directory);
  return { directory: text, signature: toBase64Url(await sign(orgKey, utf8(text))) };
}

/** How long a signed directory is valid, and how long before its expiry an admin's console re-signs it. */
export const DIRECTORY_LIFETIME_MS = 90 * 24 * 3600_000;
const RENEW_BEFORE_MS = 60 * 24 * 3600_000;

/** The issue time and expiry of a directory signed now. */
export const directoryTimes = (now = Date.now()) => ({ issuedAt: now, expiresAt: now + DIRECTORY_LIFETIME_MS });
export const directoryNeedsRenewal = (directory: Directory, now = Date.now()) => (directory.expiresAt ?? 0) - now < RENEW_BEFORE_MS;

export type DirectoryProblem = 'bad_signature' | 'pin_mismatch' | 'key_changed' | 'rollback' | 'expired';

/** `expired: 'accept'` lets a device holding the organisation key load an expired directory to re-sign it. */
export async function checkDirectory(
  signed: SignedDirectory,
  site: string,
  trust: Trust | undefined,
  pin: string | undefined,
  { now = Date.now(), expired = 'refuse' }: { now?: number; expired?: 'refuse' | 'accept' } = {},
): Promise<{ ok: true; directory: Directory; trust: Trust } | { ok: false; problem: DirectoryProblem }> {
  let directory: Directory;
  try {
    directory = parseDirectoryText(signed.directory);
  } catch {
    return { ok: false, problem: 'bad_signature' };
  }
  if (directory.site !== site || !(await verify(fromBase64Url(directory.orgKey), fromBase64Url(signed.signature), utf8(signed.directory)))) {
    return { ok: false, problem: 'bad_signature' };
  }
  if (pin && (await orgFingerprint(directory.orgKey)) !== pin) return { ok: false, problem: 'pin_mismatch' };
  if (trust && trust.orgKey !== directory.orgKey && !pin) return { ok: false, problem: 'key_changed' };
  const sameKey = trust?.orgKey === directory.orgKey;
  if (sameKey && directory.version < trust.version) return { ok: false, problem: 'rollback' };
  if (expired === 'refuse' && !((directory.expiresAt ?? 0) > now)) return { ok: false, problem: 'expired' };
  return { ok: true, directory, trust: { orgKey: directory.orgKey, pinned: Boolean(pin), version: Math.max(directory.version, sameKey ? trust.version : 0) } };
}
