/**
 * Crypto-shredding by the device's own clock: the expiry each message binds into its associated
 * data decides, so a relay that stretches a conversation's life (or never says "expired") cannot
 * keep it on a device, and a console closed at the expiry deletes it when it next opens.
 */
import { KDF_ITERATIONS } from './backup.ts';
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Envelope, PrekeyBundleWire, StoredEnvelope } from '../protocol.ts';
import { orgFingerprint } from './directory.ts';
import { randomBytes, randomId, toBase64Url } from './encoding.ts';
import { CryptoService, type DeviceInfo, type Result } from './service.ts';

const HOUR = 3600_000;
const value = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.value;
};
const stored = (envelope: Envelope, seq: number): StoredEnvelope => ({ ...envelope, seq, at: Date.now() });
const bundleOf = (info: DeviceInfo): PrekeyBundleWire => ({ ...info.device, oneTimePrekey: info.oneTimePrekeys[0]! });

afterEach(() => vi.useRealTimers());

describe('conversation expiry on the devices', () => {
  it('an agent device closed at the expiry deletes the history and the visitor’s sessions when it opens, whatever expiry the relay now claims', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const site = `site${randomId().slice(0, 6)}`;
    const scope = `test/${site}/${randomId()}`;
    const agent = new CryptoService();
    const agentInfo = value(await agent.open(`${scope}/agent`, site, 'agent'));
    const salt = toBase64Url(randomBytes(16));
    value(await agent.unlock('agent password', salt, KDF_ITERATIONS));
    const { backup, directory } = value(await agent.createOrg('Alex'));
    value(await agent.trust(directory));
    const visitor = new CryptoService();
    const visitorInfo = value(await visitor.open(`${scope}/visitor`, site, 'visitor'));
    const { directory: trusted } = value(await visitor.trust(directory, await orgFingerprint(backup.orgKey.publicKey)));
    agent.addVisitor(visitorInfo.device);

    const conversation = { conversationId: `c${randomId()}`, expiresAt: Date.now() + 24 * HOUR };
    const first = value(await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'Deleted after a day' }, [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }], trusted.inboxKey));
    value(await agent.decrypt(stored(first, 1)));
    expect(value(await agent.history(conversation.conversationId))).toHaveLength(1);
    // The relay cannot lengthen the expiry a message carries: it is bound into the associated data.
    const stretched = await agent.decrypt(stored({ ...first, id: 'm1', expiresAt: conversation.expiresAt + 365 * 24 * HOUR }, 2));
    expect(stretched.ok).toBe(true); // m1 is already in the history: returned as stored, not opened again
    const forged = await agent.decrypt(stored({ ...first, id: 'm9', expiresAt: conversation.expiresAt + 365 * 24 * HOUR }, 3));
    expect(forged).toMatchObject({ ok: false });

    // The console is closed; a day passes. The relay never says "expired" and keeps listing the conversation.
    vi.setSystemTime(Date.now() + 25 * HOUR);
    const reopened = new CryptoService();
    value(await reopened.open(`${scope}/agent`, site, 'agent'));
    value(await reopened.unlock('agent password', salt, KDF_ITERATIONS));
    value(await reopened.restoreOrg(backup));
    expect(value(await reopened.shredExpired())).toEqual([conversation.conversationId]);
    expect(value(await reopened.history(conversation.conversationId))).toEqual([]);
    expect(reopened.needBundles([visitorInfo.device.id])).toEqual([visitorInfo.device.id]); // the session with the visitor is gone
    // The relay serves the envelope again: it is not opened or stored again.
    expect(await reopened.decrypt(stored(first, 1))).toMatchObject({ ok: false, code: 'expired' });
    expect(value(await reopened.history(conversation.conversationId))).toEqual([]);
    expect(value(await reopened.shredExpired())).toEqual([]);
  });
});
