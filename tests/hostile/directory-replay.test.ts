/**
 * Finding 5: the relay serves the organisation's signed directory (which agent devices a visitor
 * encrypts to). A relay that replays an old one — from before a device was revoked — must fail:
 * directories expire, and a browser keeps the highest version it has seen, even after it forgot a
 * conversation, refusing anything older.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIRECTORY_LIFETIME_MS, directoryNeedsRenewal, orgFingerprint, signDirectory } from '../../sdk/src/crypto/directory.ts';
import { randomId, toBase64Url } from '../../sdk/src/crypto/encoding.ts';
import { CryptoService } from '../../sdk/src/crypto/service.ts';
import { setupOrg, value } from '../../sdk/src/crypto/test-org.ts';
import type { SignedDirectory } from '../../sdk/src/protocol.ts';

const DAY = 24 * 3600_000;

async function visitorOf(site: string, scope = `test/${site}/${randomId()}`) {
  const service = new CryptoService();
  value(await service.open(scope, site, 'visitor'));
  return service;
}

/** Signs with the machine's clock set to `at`, as the organisation did back then. */
async function signedAt(at: number, sign: () => Promise<SignedDirectory>): Promise<SignedDirectory> {
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  try {
    return await sign();
  } finally {
    vi.useRealTimers();
  }
}

afterEach(() => vi.useRealTimers());

describe('a relay replaying key directories', () => {
  it('cannot hand a new visitor an expired directory', async () => {
    const { site, agent, agentInfo, backup } = await setupOrg();
    const entry = { id: agentInfo.device.id, agent: 'Alex', identityKey: agentInfo.device.identityKey, signingKey: agentInfo.device.signingKey };
    const old = await signedAt(Date.now() - DIRECTORY_LIFETIME_MS - DAY, async () => value(await agent.signDirectory([entry], 5)));
    const pin = await orgFingerprint(backup.orgKey.publicKey);
    expect(await (await visitorOf(site)).trust(old, pin)).toMatchObject({ ok: false, code: 'expired' });
    expect(await (await visitorOf(site)).trust(old)).toMatchObject({ ok: false, code: 'expired' });
  });

  it('cannot hand a new visitor a directory that never expires', async () => {
    const site = `site${randomId().slice(0, 6)}`;
    const org = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const orgKey = toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', org.publicKey)));
    // Signed by the organisation as directories were before they carried an expiry.
    const forever = await signDirectory(org.privateKey, { v: 2, site, version: 1, issuedAt: Date.now(), orgKey, inboxKey: orgKey, devices: [] });
    expect(await (await visitorOf(site)).trust(forever, await orgFingerprint(orgKey))).toMatchObject({ ok: false, code: 'expired' });
  });

  it('cannot roll a visitor back to an older directory, even after it forgot its conversation', async () => {
    const { site, agent } = await setupOrg();
    const v2 = value(await agent.signDirectory([], 2));
    const v3 = value(await agent.signDirectory([], 3));
    const scope = `test/${site}/${randomId()}`;
    const visitor = await visitorOf(site, scope);
    value(await visitor.trust(v3));
    await visitor.forget('c1');
    const again = await visitorOf(site, scope);
    expect(await again.trust(v2)).toMatchObject({ ok: false, code: 'rollback' });
    expect(value(await again.trust(v3)).trust.version).toBe(3);
  });

  it('lets the admin’s device load its own expired directory, to renew it', async () => {
    const { agent } = await setupOrg();
    const old = await signedAt(Date.now() - DIRECTORY_LIFETIME_MS - DAY, async () => value(await agent.signDirectory([], 9)));
    const loaded = value(await agent.trust(old));
    expect(directoryNeedsRenewal(loaded.directory)).toBe(true);
    expect(directoryNeedsRenewal(value(await agent.trust(value(await agent.signDirectory([], 10)))).directory)).toBe(false);
  });
});
