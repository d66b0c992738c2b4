/**
 * Internal notes and saved replies in the agents' worker, in real WebCrypto: a note opens on the
 * team's devices and not on the visitor's; its audience is bound into the encryption, so a relay that
 * adds or removes it makes the message fail to open. Saved replies open on every approved device,
 * admin or not, and only as the approved device that signed them sealed them.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Envelope, SealedSavedReplies } from '../protocol.ts';
import { toMessage } from '../thread.ts';
import { AgentCryptoService } from './agent-service.ts';
import { KDF_ITERATIONS } from './backup.ts';
import { randomBytes, randomId, toBase64Url } from './encoding.ts';
import { CryptoService } from './service.ts';
import { bundleOf, stored, value } from './test-org.ts';

/** An admin device that created the organisation, a member's device it approved, a visitor, and a device outside the team. */
async function team() {
  const site = `site${randomId().slice(0, 6)}`;
  const scope = `test/${site}/${randomId()}`;
  const admin = new AgentCryptoService();
  const adminInfo = value(await admin.open(`${scope}/admin`, site, 'agent'));
  value(await admin.unlock('agent password', toBase64Url(randomBytes(16)), KDF_ITERATIONS));
  value(await admin.createOrg('Alex'));
  const member = new AgentCryptoService();
  const memberInfo = value(await member.open(`${scope}/member`, site, 'agent'));
  const outsider = new AgentCryptoService();
  value(await outsider.open(`${scope}/outsider`, site, 'agent'));
  const listed = (info: typeof adminInfo, agent: string) => ({ id: info.device.id, agent, identityKey: info.device.identityKey, signingKey: info.device.signingKey });
  const directory = value(await admin.signDirectory([listed(adminInfo, 'Alex'), listed(memberInfo, 'Kim')], 2));
  for (const device of [admin, member, outsider]) value(await device.trust(directory));
  const visitor = new CryptoService();
  const visitorInfo = value(await visitor.open(`${scope}/visitor`, site, 'visitor'));
  value(await visitor.trust(directory));
  value(await admin.addVisitor(visitorInfo.device));
  return { admin, member, memberInfo, outsider, visitor, inboxKey: value(await admin.trust(directory)).directory.inboxKey };
}

describe('internal notes', () => {
  it('open on the team’s devices as notes, and not on the visitor’s', async () => {
    const { admin, member, memberInfo, visitor, inboxKey } = await team();
    const meta = { conversationId: 'c1', id: 'n1', expiresAt: 2_000_000_000_000, audience: 'agents' as const };
    const note = value(await admin.encrypt(meta, { text: 'Refund approved by finance' }, [{ deviceId: memberInfo.device.id, bundle: bundleOf(memberInfo) }], inboxKey));
    expect(note.audience).toBe('agents');
    expect(JSON.stringify(note)).not.toContain('finance');

    const opened = value(await member.decrypt(stored(note, 1)));
    expect(toMessage(opened)).toMatchObject({ from: 'agent', text: 'Refund approved by finance', audience: 'agents' });
    // Delivered to the visitor anyway (a hostile relay): there is nothing in it for the visitor's device.
    const atVisitor = value(await visitor.decrypt(stored(note, 1)));
    expect(atVisitor.status).toBe('unreadable');
    expect(JSON.stringify(atVisitor)).not.toContain('finance');
  });

  it('fail to open when the relay removes the audience, and a reply fails when the relay adds one', async () => {
    const { admin, member, memberInfo, inboxKey } = await team();
    const to = [{ deviceId: memberInfo.device.id, bundle: bundleOf(memberInfo) }];
    const note = value(await admin.encrypt({ conversationId: 'c1', id: 'n1', expiresAt: 2_000_000_000_000, audience: 'agents' }, { text: 'internal' }, to, inboxKey));
    const { audience: _, ...stripped } = note;
    expect(await member.decrypt(stored(stripped as Envelope, 1))).toMatchObject({ ok: false, code: 'decrypt_failed' });
    const reply = value(await admin.encrypt({ conversationId: 'c1', id: 'r2', expiresAt: 2_000_000_000_000 }, { text: 'for the customer' }, [{ deviceId: memberInfo.device.id }], inboxKey));
    expect(await member.decrypt(stored({ ...reply, audience: 'agents' }, 2))).toMatchObject({ ok: false, code: 'decrypt_failed' });
    // The genuine ones still open: a failed attempt left the sessions as they were.
    expect(toMessage(value(await member.decrypt(stored(note, 1))))).toMatchObject({ text: 'internal', audience: 'agents' });
    expect(toMessage(value(await member.decrypt(stored(reply, 2)))).audience).toBeUndefined();
  });
});

describe('saved replies', () => {
  const replies = [{ id: 'r1', shortcut: 'refund', text: 'Your refund is on its way.' }];

  it('open on every approved device, the member’s without the organisation keys', async () => {
    const { admin, member } = await team();
    const sealed = value(await admin.sealSavedReplies(1, replies));
    expect(JSON.stringify(sealed)).not.toContain('refund');
    expect(sealed.sealed).toHaveLength(2);
    expect(value(await member.openSavedReplies(1, sealed))).toEqual(replies);
    expect(value(await admin.openSavedReplies(1, sealed))).toEqual(replies);
  });

  it('refuse a list from a device outside the directory, under another version, or altered', async () => {
    const { admin, member, outsider } = await team();
    // The outsider trusts the directory but is not in it: anyone can seal to the team's public keys.
    expect(await member.openSavedReplies(1, value(await outsider.sealSavedReplies(1, replies)))).toMatchObject({ ok: false, code: 'untrusted' });
    const sealed = value(await admin.sealSavedReplies(3, replies));
    // An old list served as the current version: the version is signed.
    expect(await member.openSavedReplies(4, sealed)).toMatchObject({ ok: false, code: 'untrusted' });
    const altered: SealedSavedReplies = { ...sealed, ct: sealed.ct.slice(0, -4) + (sealed.ct.endsWith('AAAA') ? 'BBBB' : 'AAAA') };
    expect(await member.openSavedReplies(3, altered)).toMatchObject({ ok: false, code: 'untrusted' });
    // A device's copy dropped (so that a console seals the list again): the copies are signed.
    const dropped: SealedSavedReplies = { ...sealed, sealed: sealed.sealed.filter((s) => s.to === sealed.device) };
    expect(await member.openSavedReplies(3, dropped)).toMatchObject({ ok: false, code: 'untrusted' });
  });

  it('open through the inbox copy on a device not sealed for, and tell a device without it why not', async () => {
    const { admin, member, memberInfo, outsider } = await team();
    // The member seals while its directory lists only itself: the admin, not sealed for, uses the inbox key.
    value(await member.trust(value(await admin.signDirectory([{ id: memberInfo.device.id, agent: 'Kim', identityKey: memberInfo.device.identityKey, signingKey: memberInfo.device.signingKey }], 3))));
    const sealed = value(await member.sealSavedReplies(1, replies));
    expect(sealed.sealed.map((s) => s.to)).toEqual([memberInfo.device.id]);
    expect(value(await admin.openSavedReplies(1, sealed))).toEqual(replies);
    // A device approved after the list was sealed, without the inbox key, is told so.
    expect(await outsider.openSavedReplies(2, value(await admin.sealSavedReplies(2, replies)))).toMatchObject({ ok: false, code: 'no_session' });
  });
});
