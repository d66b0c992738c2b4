/**
 * Finding 3: the relay stores each agent's KDF salt and iteration count and hands them back at
 * sign-in. A relay that answers with 1 iteration gets an auth key it can brute-force cheaply, and
 * with the password, the organisation keys' backup it stores. The client refuses any count below
 * its own minimum (OWASP's 600,000 for PBKDF2-SHA256), and the backup is bound to the parameters.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createOrgKeys, KDF_ITERATIONS, kdfParams, passwordKeys, restoreOrgKeys } from '../../sdk/src/crypto/backup.ts';
import { randomBytes, toBase64Url } from '../../sdk/src/crypto/encoding.ts';
import { CryptoService } from '../../sdk/src/crypto/service.ts';
import { PASSWORD } from '../../sdk/src/crypto/test-org.ts';

describe('a relay weakening the password backup', () => {
  it.each([1, 1_000, 100_000, KDF_ITERATIONS - 1, 1e12, Number.NaN])('refuses %s PBKDF2 iterations at sign-in', async (iterations) => {
    const service = new CryptoService();
    const result = await service.unlock(PASSWORD, toBase64Url(randomBytes(16)), iterations);
    expect(result).toMatchObject({ ok: false, code: 'weak_kdf' });
  });

  it('accepts the minimum, and the backup opens only under the parameters it was made with', async () => {
    const salt = toBase64Url(randomBytes(16));
    const { wrapKey, params } = await passwordKeys(PASSWORD, salt, KDF_ITERATIONS);
    expect(params).toBe(kdfParams(salt, KDF_ITERATIONS));
    const { backup, keys } = await createOrgKeys(wrapKey, params);
    expect((await restoreOrgKeys(wrapKey, backup, params)).orgPublic).toBe(keys.orgPublic);
    await expect(restoreOrgKeys(wrapKey, backup, kdfParams(salt, 1))).rejects.toThrow();
    await expect(restoreOrgKeys(wrapKey, backup, kdfParams(toBase64Url(randomBytes(16)), KDF_ITERATIONS))).rejects.toThrow();
  });
});
