/**
 * For tests: an organisation set up the way the console does it (an admin device that created the
 * keys and signed a first directory) and a visitor that trusts that directory, all in real
 * WebCrypto over fake-indexeddb. The unit tests and the hostile-relay suite start from it.
 */
import type { Envelope, PrekeyBundleWire, StoredEnvelope } from '../protocol.ts';
import { KDF_ITERATIONS } from './backup.ts';
import { orgFingerprint } from './directory.ts';
import { randomBytes, randomId, toBase64Url } from './encoding.ts';
import { CryptoService, type DeviceInfo, type Result } from './service.ts';

export const PASSWORD = 'agent password';

export const value = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.value;
};
export const stored = (envelope: Envelope, seq: number): StoredEnvelope => ({ ...envelope, seq, at: 1_000 + seq });
export const bundleOf = (info: DeviceInfo, prekey = info.oneTimePrekeys[0]): PrekeyBundleWire => ({ ...info.device, ...(prekey ? { oneTimePrekey: prekey } : {}) });

/** An admin agent device that created the organisation, and a visitor that trusts its directory. */
export async function setupOrg(site = `site${randomId().slice(0, 6)}`, iterations?: number) {
  const salt = toBase64Url(randomBytes(16));
  const scope = `test/${site}/${randomId()}`;
  const agent = new CryptoService();
  const agentInfo = value(await agent.open(`${scope}/agent`, site, 'agent'));
  value(await agent.unlock(PASSWORD, salt, iterations ?? KDF_ITERATIONS));
  const { backup, directory } = value(await agent.createOrg('Alex'));
  value(await agent.trust(directory));

  const visitor = new CryptoService();
  const visitorInfo = value(await visitor.open(`${scope}/visitor`, site, 'visitor'));
  const { directory: trusted } = value(await visitor.trust(directory, await orgFingerprint(backup.orgKey.publicKey)));
  const added = await agent.addVisitor(visitorInfo.device);
  if (added?.ok === false) throw new Error(`${added.code}: ${added.reason}`);
  const conversation = { conversationId: 'c1', expiresAt: 2_000_000_000_000 };
  return { site, scope, salt, agent, agentInfo, backup, directory, visitor, visitorInfo, trusted, conversation };
}
