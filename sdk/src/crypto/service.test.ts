import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../protocol.ts';
import { openDB } from 'idb';
import { fromBase64Url, randomId, utf8 } from './encoding.ts';
import { sealWithoutSessions } from './message.ts';
import { KDF_ITERATIONS } from './backup.ts';
import { CryptoService } from './service.ts';
import { bundleOf, PASSWORD, setupOrg, stored, value } from './test-org.ts';

const setup = setupOrg;

describe('CryptoService', () => {
  it('runs a conversation both ways, storing each side’s history', async () => {
    const { agent, agentInfo, visitor, visitorInfo, trusted, conversation } = await setup();
    const first = value(await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'Où est ma commande ? 📦' }, [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }], trusted.inboxKey));
    expect(first).toMatchObject({ v: 2, from: 'visitor', device: visitorInfo.device.id, expiresAt: conversation.expiresAt });
    expect(JSON.stringify(first)).not.toContain('commande');
    expect(value(await agent.decrypt(stored(first, 1)))).toMatchObject({ status: 'sent', seq: 1, content: { text: 'Où est ma commande ? 📦' } });

    expect(agent.needBundles([visitorInfo.device.id])).toEqual([]);
    const reply = value(await agent.encrypt({ ...conversation, id: 'm2' }, { text: 'On its way' }, [{ deviceId: visitorInfo.device.id }], trusted.inboxKey));
    expect(value(await visitor.decrypt(stored(reply, 2)))).toMatchObject({ from: 'agent', content: { text: 'On its way' } });

    // The visitor's own message comes back from the relay: no decryption, the stored copy gains its seq.
    expect(value(await visitor.decrypt(stored(first, 1)))).toMatchObject({ id: 'm1', seq: 1, status: 'sent', content: { text: 'Où est ma commande ? 📦' } });
    const history = value(await visitor.history('c1'));
    expect(history.map((m) => [m.id, m.status])).toEqual([['m1', 'sent'], ['m2', 'sent']]);
  });

  it('keeps each envelope in the outbox, in order, until the relay acknowledges or refuses it', async () => {
    const { agentInfo, visitor, trusted, conversation } = await setup();
    const to = [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }];
    for (const id of ['m1', 'm2', 'm3']) value(await visitor.encrypt({ ...conversation, id }, { text: id }, id === 'm1' ? to : [{ deviceId: agentInfo.device.id }], trusted.inboxKey));
    expect((await visitor.outbox()).map((e) => e.id)).toEqual(['m1', 'm2', 'm3']);

    expect(await visitor.acknowledge('c1', 'm2', 7, 1_007)).toMatchObject({ id: 'm2', seq: 7, status: 'sent' });
    expect(await visitor.acknowledge('c1', 'm2', 7, 1_007)).toMatchObject({ id: 'm2', seq: 7, status: 'sent' });
    expect(await visitor.failed('m3', 'too large')).toMatchObject({ id: 'm3', status: 'failed', content: { problem: 'too large' } });
    expect((await visitor.outbox()).map((e) => e.id)).toEqual(['m1']);
    expect(value(await visitor.history('c1')).map((m) => [m.id, m.status])).toEqual([['m1', 'sending'], ['m2', 'sent'], ['m3', 'failed']]);

    // A session record kept beside the keys goes with them when the visitor forgets the conversation.
    await visitor.keep('visitor', { conversationId: 'c1' });
    expect(await visitor.kept('visitor')).toEqual({ conversationId: 'c1' });
    await visitor.forget('c1');
    expect(await visitor.outbox()).toEqual([]);
  });

  it('sends, and opens the conversation shown, ahead of a backlog to decrypt; every message still opens', async () => {
    const { agent, agentInfo, visitor, visitorInfo, trusted, conversation } = await setup();
    const backlog: Envelope[] = [];
    for (let i = 1; i <= 30; i++) {
      backlog.push(value(await visitor.encrypt({ ...conversation, id: `v${i}` }, { text: `v${i}` }, i === 1 ? [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }] : [{ deviceId: agentInfo.device.id }], trusted.inboxKey)));
    }
    // A console that just signed in: the whole inbox arrives at once, then the agent replies.
    const finished: string[] = [];
    const decrypted = backlog.map((envelope, i) => agent.decrypt(stored(envelope, i + 1)).then((result) => (finished.push(envelope.id), result)));
    const reply = agent.encrypt({ ...conversation, id: 'a1' }, { text: 'On it' }, [{ deviceId: visitorInfo.device.id }], trusted.inboxKey).then((result) => (finished.push('a1'), result));
    // The conversation the agent opens meanwhile goes ahead of the rest of the inbox too.
    const other = value(await visitor.encrypt({ ...conversation, conversationId: 'c2', id: 'w1' }, { text: 'w1' }, [{ deviceId: agentInfo.device.id }], trusted.inboxKey));
    agent.show('c2');
    const shown = agent.decrypt(stored(other, 1)).then((result) => (finished.push('w1'), result));
    await Promise.all([...decrypted, reply, shown]);
    expect(finished.indexOf('a1')).toBeLessThan(3);
    expect(finished.indexOf('w1')).toBeLessThan(4);
    expect(value(await shown).content).toEqual({ text: 'w1' });
    expect((await Promise.all(decrypted)).map((result) => value(result).content)).toEqual(backlog.map((e) => ({ text: e.id })));
    expect(value(await visitor.decrypt(stored(value(await reply), 31)))).toMatchObject({ from: 'agent', content: { text: 'On it' } });
  });

  it('parses relay frames for the visitor, refusing malformed ones with a reason', () => {
    const service = new CryptoService();
    expect(value(service.frame('{"type":"typing","conversationId":"c1","role":"agent"}'))).toEqual({ type: 'typing', conversationId: 'c1', role: 'agent' });
    expect(service.frame('{"type":"typing","conversationId":"c 1","role":"agent"}')).toMatchObject({ ok: false, code: 'bad_frame' });
    expect(service.frame('{"type":"conversation"}')).toMatchObject({ ok: false, code: 'bad_frame' });
  });

  it.each<[string, (e: Envelope) => Envelope]>([
    ['a flipped bit in the body', (e) => ({ ...e, ct: `${e.ct[0] === 'A' ? 'B' : 'A'}${e.ct.slice(1)}` })],
    ['another conversation id', (e) => ({ ...e, conversationId: 'c2' })],
    ['a later expiry', (e) => ({ ...e, expiresAt: e.expiresAt + 1 })],
    ['a changed ratchet counter', (e) => ({ ...e, keys: e.keys.map((k) => ({ ...k, h: { ...k.h, n: k.h.n + 1 } })) })],
  ])('refuses %s and keeps the session working', async (_, tamper) => {
    const { agent, agentInfo, visitor, trusted, conversation } = await setup();
    const sent = value(await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'secret' }, [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }], trusted.inboxKey));
    const refused = await agent.decrypt(stored(tamper(sent), 1));
    expect(refused.ok).toBe(false);
    expect(value(await agent.decrypt(stored(sent, 1)))).toMatchObject({ content: { text: 'secret' } });
  });

  it('refuses a sender device the organisation did not approve', async () => {
    const { agentInfo, visitor, trusted, conversation } = await setup();
    const impostor = new CryptoService();
    const info = value(await impostor.open('test/impostor', 'x', 'agent'));
    value(await impostor.addVisitor((await setup()).visitorInfo.device));
    const forged = value(await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'hi' }, [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }], trusted.inboxKey));
    expect(await visitor.decrypt(stored({ ...forged, id: 'm9', device: info.device.id, from: 'agent' }, 5))).toMatchObject({ ok: false, code: 'untrusted' });
  });

  it('lets a new device of the agent read the history through the inbox key, with the password only', async () => {
    const { site, salt, agentInfo, backup, directory, visitor, visitorInfo, trusted, conversation } = await setup();
    const sent = value(await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'before you enrolled' }, [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }], trusted.inboxKey));

    const laptop = new CryptoService();
    value(await laptop.open(`test/${site}/laptop`, site, 'agent'));
    value(await laptop.unlock(PASSWORD, salt, KDF_ITERATIONS));
    value(await laptop.restoreOrg(backup));
    value(await laptop.trust(directory));
    value(await laptop.addVisitor(visitorInfo.device));
    expect(value(await laptop.decrypt(stored(sent, 1)))).toMatchObject({ status: 'sent', content: { text: 'before you enrolled' } });

    // Anyone can seal to the public inbox key: a copy without the sender's signature is refused.
    const meta = { ...conversation, id: 'forged', from: 'visitor' as const, device: visitorInfo.device.id };
    const forged = await sealWithoutSessions(meta, utf8(JSON.stringify({ text: 'sent by the relay' })), [], fromBase64Url(trusted.inboxKey));
    expect(await laptop.decrypt(stored({ v: 2, ...meta, ...forged, sealed: undefined } as unknown as Envelope, 2))).toMatchObject({ ok: false, code: 'untrusted' });
    expect(await laptop.decrypt(stored({ ...sent, id: 'relabelled', sig: undefined } as Envelope, 3))).toMatchObject({ ok: false });

    const intruder = new CryptoService();
    value(await intruder.open(`test/${site}/intruder`, site, 'agent'));
    value(await intruder.unlock('wrong password', salt, KDF_ITERATIONS));
    expect(await intruder.restoreOrg(backup)).toMatchObject({ ok: false, code: 'wrong_password' });
  });

  it('checks the directory against the pin, the first-seen key and older versions', async () => {
    const { site, agent, agentInfo, directory } = await setup();
    const fresh = async () => {
      const service = new CryptoService();
      value(await service.open(`test/${site}/${randomId()}`, site, 'visitor'));
      return service;
    };
    expect(await (await fresh()).trust(directory, 'A'.repeat(43))).toMatchObject({ ok: false, code: 'pin_mismatch' });
    expect(await (await fresh()).trust({ ...directory, signature: `${directory.signature[0] === 'A' ? 'B' : 'A'}${directory.signature.slice(1)}` })).toMatchObject({ ok: false, code: 'bad_signature' });

    const visitor = await fresh();
    const v2 = value(await agent.signDirectory([], 2));
    expect(value(await visitor.trust(v2)).trust).toMatchObject({ version: 2, pinned: false });
    expect(await visitor.trust(directory)).toMatchObject({ ok: false, code: 'rollback' });

    const other = await setup(site);
    expect(await visitor.trust(other.directory)).toMatchObject({ ok: false, code: 'key_changed' });
    expect(agentInfo.device.id).toBeTruthy();
  });

  it('keeps every private key non-extractable in IndexedDB', async () => {
    const { scope } = await setup();
    const db = await openDB('threadline-crypto');
    const device = await db.get('devices', `${scope}/agent`);
    const org = await db.get('org', `${scope}/agent`);
    const privateKeys: CryptoKey[] = [device.keys.identity.keyPair.privateKey, device.keys.signing.keyPair.privateKey, ...device.keys.signedPrekeys.map((k: { keyPair: CryptoKeyPair }) => k.keyPair.privateKey), ...device.keys.oneTimePrekeys.map((k: { keyPair: CryptoKeyPair }) => k.keyPair.privateKey), org.orgKey.privateKey, org.inboxKey.privateKey, device.atRest];
    expect(privateKeys).toHaveLength(2 + 1 + 50 + 2 + 1); // identity, signing, signed prekey, one-time prekeys, org keys, at-rest key
    for (const key of privateKeys) expect(key.extractable).toBe(false);
  });

  it('computes the same 60-digit safety number on both sides', async () => {
    const { site, agent, visitor, visitorInfo, backup } = await setup();
    const a = await agent.safetyNumber(visitorInfo.device, backup.orgKey.publicKey, site);
    const b = await visitor.safetyNumber(visitorInfo.device, backup.orgKey.publicKey, site);
    expect(a).toMatch(/^\d{60}$/);
    expect(a).toBe(b);
  });

  it('shreds an expired conversation: history and keys on the visitor, history and sessions on the agent', async () => {
    const { scope, agent, agentInfo, visitor, visitorInfo, trusted, conversation } = await setup();
    const sent = value(await visitor.encrypt({ ...conversation, id: 'm1' }, { text: 'short-lived' }, [{ deviceId: agentInfo.device.id, bundle: bundleOf(agentInfo) }], trusted.inboxKey));
    value(await agent.decrypt(stored(sent, 1)));
    expect(agent.needBundles([visitorInfo.device.id])).toEqual([]);

    await agent.forget('c1', visitorInfo.device.id);
    expect(value(await agent.history('c1'))).toEqual([]);
    expect(agent.needBundles([visitorInfo.device.id])).toEqual([visitorInfo.device.id]);

    await visitor.forget('c1');
    const db = await openDB('threadline-crypto');
    expect(await db.get('devices', `${scope}/visitor`)).toBeUndefined();
    expect(await db.getAllKeys('history', IDBKeyRange.bound(`${scope}/visitor|`, `${scope}/visitor|\uffff`))).toEqual([]);
    const reopened = value(await visitor.open(`${scope}/visitor`, 'x', 'visitor'));
    expect(reopened.device.id).not.toBe(visitorInfo.device.id);
  });
});
