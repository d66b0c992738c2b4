/**
 * Finding 2: a device's identity is two keys — X25519 for sessions, Ed25519 for signatures — and the
 * relay hands both out (a conversation's visitor device to agents, agent bundles to visitors). A
 * relay that swaps the X25519 key while keeping the Ed25519 one could start sessions as the visitor
 * with safety numbers still matching. The Ed25519 key signs the X25519 key (with each signed
 * prekey), the org key signs both in the directory, safety numbers cover both, and every session
 * start checks the keys against what was signed.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Device } from '../../sdk/src/crypto/device.ts';
import { fromBase64Url, toBase64Url, utf8 } from '../../sdk/src/crypto/encoding.ts';
import { sealMessage } from '../../sdk/src/crypto/message.ts';
import { bundleOf, setupOrg, stored } from '../../sdk/src/crypto/test-org.ts';
import type { PrekeyBundle } from '../../sdk/src/crypto/x3dh.ts';
import type { DeviceKeys, Envelope, PrekeyBundleWire } from '../../sdk/src/protocol.ts';

/** A bundle as the relay serves it, in the byte form sessions start from. */
const fromWire = (b: PrekeyBundleWire): PrekeyBundle => ({
  deviceId: b.id,
  identityKey: fromBase64Url(b.identityKey),
  signingKey: fromBase64Url(b.signingKey),
  signedPrekey: { id: b.signedPrekey.id, publicKey: fromBase64Url(b.signedPrekey.publicKey), signature: fromBase64Url(b.signedPrekey.signature) },
});

describe('a relay swapping identity keys', () => {
  it('cannot speak to the agent as the visitor by swapping the visitor’s X25519 key, and the safety numbers tell', async () => {
    const { site, agent, agentInfo, visitor, visitorInfo, backup, trusted, conversation } = await setupOrg();
    // The relay's own device under the visitor's id; the summary it gives agents keeps the
    // visitor's signing key and signed prekey but carries the relay's X25519 key.
    const relay = await Device.create(visitorInfo.device.id);
    const swapped: DeviceKeys = { ...visitorInfo.device, identityKey: toBase64Url(relay.keys.identity.publicKey) };
    const meta = { ...conversation, id: 'mitm1', from: 'visitor' as const, device: visitorInfo.device.id };
    const body = await sealMessage(relay, meta, utf8(JSON.stringify({ text: 'Send the parcel to 1 Fake Street' })), [{ deviceId: agentInfo.device.id, bundle: fromWire(bundleOf(agentInfo)) }], fromBase64Url(trusted.inboxKey));
    const envelope: Envelope = { v: 2, ...meta, ...body };

    await agent.forget('c1', visitorInfo.device.id); // as if the agent had not met the visitor yet
    await agent.addVisitor(swapped);
    const result = await agent.decrypt(stored(envelope, 1));
    expect(result.ok && result.value.status === 'sent').toBe(false);

    const seenByAgent = await agent.safetyNumber(swapped, backup.orgKey.publicKey, site);
    const seenByVisitor = await visitor.safetyNumber(visitorInfo.device, backup.orgKey.publicKey, site);
    expect(seenByAgent).not.toBe(seenByVisitor);
  });

  it('cannot change a known visitor device’s keys mid-conversation', async () => {
    const { agent, visitorInfo } = await setupOrg();
    const other = await Device.create('x');
    const swapped: DeviceKeys = { ...visitorInfo.device, identityKey: toBase64Url(other.keys.identity.publicKey) };
    expect(await agent.addVisitor(swapped)).toMatchObject({ ok: false, code: 'untrusted' });
  });

  it('cannot hand a visitor an agent bundle under another signing key than the directory’s', async () => {
    const { agentInfo, visitor, trusted, conversation } = await setupOrg();
    // The relay signs a prekey of its own with its own Ed25519 key, keeping the agent's X25519 key.
    const relay = await Device.create(agentInfo.device.id);
    const bundle = {
      ...agentInfo.device,
      signingKey: toBase64Url(relay.keys.signing.publicKey),
      signedPrekey: { id: relay.signedPrekey.id, publicKey: toBase64Url(relay.signedPrekey.publicKey), signature: toBase64Url(relay.signedPrekey.signature) },
    };
    const result = await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'hello' }, [{ deviceId: agentInfo.device.id, bundle }], trusted.inboxKey);
    expect(result).toMatchObject({ ok: false });
  });
});
