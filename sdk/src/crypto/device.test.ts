import { describe, expect, it } from 'vitest';
import { Device, SIGNED_PREKEY_LIFETIME_MS } from './device.ts';
import { fromUtf8, utf8 } from './encoding.ts';
import { openMessage, sealMessage, type MessageMeta } from './message.ts';

const meta = (device: string, id: string): MessageMeta => ({ conversationId: 'c', id, from: 'visitor', device, expiresAt: 1 });

describe('Device prekeys', () => {
  it('rotates the signed prekey when due, still opening sessions started on the previous one', async () => {
    const bob = await Device.create('bob');
    const first = bob.signedPrekey;
    expect(bob.signedPrekeyIsDue()).toBe(false);
    expect(bob.signedPrekeyIsDue(Date.now() + SIGNED_PREKEY_LIFETIME_MS + 1)).toBe(true);

    const alice = await Device.create('alice');
    const inFlight = await sealMessage(alice, meta('alice', 'm1'), utf8('sent to the old prekey'), [{ deviceId: 'bob', bundle: bob.bundle() }]);
    await bob.rotateSignedPrekey();
    expect(bob.signedPrekey.id).not.toBe(first.id);
    expect(fromUtf8(await openMessage(bob, meta('alice', 'm1'), inFlight))).toBe('sent to the old prekey');

    // Two rotations later the first prekey is gone: a session started on it cannot open.
    const late = await Device.create('carol');
    const stale = await sealMessage(late, meta('carol', 'm2'), utf8('too late'), [{ deviceId: 'bob', bundle: { ...bob.bundle(), signedPrekey: first } }]);
    await bob.rotateSignedPrekey();
    await expect(openMessage(bob, meta('carol', 'm2'), stale)).rejects.toMatchObject({ code: 'unknown_prekey' });
  });

  it('uses each one-time prekey once and refuses a bundle not signed by the device', async () => {
    const bob = await Device.create('bob');
    const [prekey] = await bob.createOneTimePrekeys(1);
    const alice = await Device.create('alice');
    const body = await sealMessage(alice, meta('alice', 'm1'), utf8('hi'), [{ deviceId: 'bob', bundle: bob.bundle(prekey) }]);
    await openMessage(bob, meta('alice', 'm1'), body);
    expect(bob.keys.oneTimePrekeys).toHaveLength(0);

    const replayer = await Device.create('mallory');
    const reused = await sealMessage(replayer, meta('mallory', 'm2'), utf8('reuse'), [{ deviceId: 'bob', bundle: bob.bundle(prekey) }]);
    await expect(openMessage(bob, meta('mallory', 'm2'), reused)).rejects.toMatchObject({ code: 'unknown_prekey' });

    const forged = { ...bob.bundle(), signingKey: alice.keys.signing.publicKey };
    await expect(sealMessage(await Device.create('eve'), meta('eve', 'm3'), utf8('x'), [{ deviceId: 'bob', bundle: forged }])).rejects.toMatchObject({ code: 'bad_bundle' });
  });
});
