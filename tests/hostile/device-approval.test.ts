/**
 * Finding 4: approving a new agent device signs, into the directory every visitor trusts, whatever
 * keys the relay reports for it. Against a relay that swaps them for its own, the admin compares
 * the code the new device shows with the one their console computes from the reported keys: the
 * approval is refused, and the directory keeps the relay's keys out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../sdk/src/protocol.ts';
import { Device } from '../../sdk/src/crypto/device.ts';
import { toBase64Url } from '../../sdk/src/crypto/encoding.ts';
import { ADMIN, startHostileRelay, until, type HostileRelay } from './harness.ts';

let hostile: HostileRelay;
beforeAll(async () => void (hostile = await startHostileRelay()));
afterAll(() => hostile.stop());

describe('a relay reporting other keys for a new agent device', { timeout: 60_000 }, () => {
  it('cannot get its keys approved: the code the new device shows does not match', async () => {
    const admin = hostile.agent('a');
    await admin.signIn(ADMIN.email, ADMIN.password);
    const code = await admin.invite('sam@acme.test', 'Sam');

    const sam = hostile.agent('b');
    await sam.acceptInvite(code, 'sam password 123');
    const samDevice = sam.agent.peek()!.deviceId;
    expect(sam.agent.peek()!.approved).toBe(false);
    const shownOnSamsDevice = await sam.approvalCode();
    expect(shownOnSamsDevice).toMatch(/^\d{12}$/);

    // The relay now reports its own keys for Sam's device to the admin.
    const relayDevice = await Device.create(samDevice);
    const spk = relayDevice.signedPrekey;
    hostile.hooks.http = (path, body) => {
      if (path !== '/v1/agent/devices') return body;
      const list = (body as { devices: DeviceRecord[] }).devices;
      return {
        ...(body as object),
        devices: list.map((d) => d.id !== samDevice ? d : { ...d, identityKey: toBase64Url(relayDevice.keys.identity.publicKey), signingKey: toBase64Url(relayDevice.keys.signing.publicKey), signedPrekey: { id: spk.id, publicKey: toBase64Url(spk.publicKey), signature: toBase64Url(spk.signature) } }),
      };
    };
    await admin.loadDevices();
    expect(await admin.approvalCode(samDevice)).not.toBe(shownOnSamsDevice);
    await expect(admin.approve(samDevice, shownOnSamsDevice)).rejects.toMatchObject({ code: 'code_mismatch' });
    expect(admin.devices.peek().find((d) => d.id === samDevice)?.status).toBe('pending');

    // With the relay honest again, the same code approves Sam's real keys.
    hostile.hooks.http = (_, body) => body;
    await admin.loadDevices();
    expect(await admin.approvalCode(samDevice)).toBe(shownOnSamsDevice);
    await admin.approve(samDevice, shownOnSamsDevice.replace(/(\d{4})/g, '$1 ').trim());
    await until(() => sam.agent.value?.approved, (approved) => approved === true, 'Sam’s device to learn it was approved');
    await admin.signOut();
    await sam.signOut();
  });
});
