/**
 * The storage contract: one suite, written against the Storage interface only, run against every
 * implementation — SQLite in a temporary data directory, and a real PostgreSQL that this file
 * starts itself (storage/postgres/test-server.ts). Each test gets an empty store and its own clock.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceKeys, Envelope, KeyBackup } from '@threadline/sdk/protocol';
import { QuotaError } from '../quotas.ts';
import { BlobExistsError, DeviceTakenError, GoneError, openStorage, OrgKeyTakenError, type Appended, type Storage } from './index.ts';
import { startTestPostgres, type TestPostgres } from './postgres/test-server.ts';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
const keys = (): DeviceKeys => ({ id: b64(12), identityKey: b64(32), signingKey: b64(32), signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) } });
const HOUR = 3600_000;
const QUOTAS = { conversationBytes: 20_000, siteBytes: 30_000 };

interface Backend {
  name: string;
  setUp(): Promise<void>;
  open(now: () => number): Promise<Storage>;
  tearDown(): Promise<void>;
}

let postgres: TestPostgres | undefined;
let postgresUrl = '';
const sqlite = (): Backend => {
  let dir = '';
  return {
    name: 'SQLite',
    setUp: async () => void (dir = mkdtempSync(join(tmpdir(), 'threadline-contract-'))),
    open: (now) => openStorage({ dataDir: dir, now, quotas: QUOTAS }),
    tearDown: async () => rmSync(dir, { recursive: true, force: true }),
  };
};
const postgresql = (): Backend => ({
  name: 'PostgreSQL',
  setUp: () => postgres!.empty(postgresUrl),
  open: (now) => openStorage({ dataDir: '', databaseUrl: postgresUrl, now, quotas: QUOTAS }),
  tearDown: async () => undefined,
});

beforeAll(async () => {
  postgres = await startTestPostgres();
  postgresUrl = await postgres.createDatabase();
}, 120_000);
afterAll(() => postgres?.stop());

describe.each([sqlite(), postgresql()])('$name storage', (backend) => {
  let store: Storage;
  const clock = { now: 0 };
  beforeEach(async () => {
    clock.now = 1_700_000_000_000;
    await backend.setUp();
    store = await backend.open(() => clock.now);
    await store.createSite('shop', 'Shop');
  });
  afterEach(async () => {
    if (store.open) await store.close();
    await backend.tearDown();
  });

  const envelope = (conversationId: string, id: string, expiresAt: number, size = 0): Envelope => ({
    v: 2, conversationId, id, from: 'visitor', device: 'd', expiresAt, iv: 'AAAAAAAAAAAAAAAA', ct: 'Y'.repeat(Math.max(4, size)), keys: [],
  });
  const agent = (role: 'admin' | 'member' = 'admin', email = `${b64(6)}@shop.test`) =>
    store.createAgent({ site: 'shop', email, name: 'Agent', role, salt: 'salt', iterations: 1, authKey: 'the-auth-key' });
  const conversation = (visitor: DeviceKeys | null = keys(), hours = 24) => store.createConversation('shop', visitor, clock.now + hours * HOUR);
  const directory = (version: number) => ({ directory: `{"v":2,"version":${version}}`, signature: `signature-${version}` });
  const backup = (orgKey: string) => ({ orgKey: { publicKey: orgKey }, wrapped: 'w' }) as unknown as KeyBackup;

  describe('sites', () => {
    it('keeps a site, its allowed origins, its message-text setting and its organisation key (set once)', async () => {
      expect(await store.site('shop')).toEqual({ id: 'shop', name: 'Shop', orgKey: null, directory: null, directoryVersion: 0, retention: { default: '30d', max: '1y' } });
      expect(await store.site('elsewhere')).toBeUndefined();
      expect(await store.origins('shop')).toEqual([]);
      await store.setOrigins('shop', ['https://shop.example']);
      expect(await store.origins('shop')).toEqual(['https://shop.example']);
      expect(await store.shareText('shop')).toBe(false);
      await store.setShareText('shop', true);
      expect(await store.shareText('shop')).toBe(true);
      expect(await store.setOrgKey('shop', 'key-1')).toBe(true);
      expect(await store.setOrgKey('shop', 'key-1')).toBe(true);
      expect(await store.setOrgKey('shop', 'key-2')).toBe(false);
      expect((await store.site('shop'))?.orgKey).toBe('key-1');
    });

    it('keeps the team’s sealed saved replies as a new version only over the version they replace', async () => {
      expect(await store.savedReplies('shop')).toEqual({ version: 0, sealed: null });
      expect(await store.setSavedReplies('shop', 0, '{"first":1}')).toBe(1);
      // A save that crossed another one (it replaces version 0 too) changes nothing.
      expect(await store.setSavedReplies('shop', 0, '{"crossed":1}')).toBeUndefined();
      expect(await store.setSavedReplies('shop', 1, '{"second":1}')).toBe(2);
      expect(await store.savedReplies('shop')).toEqual({ version: 2, sealed: '{"second":1}' });
      expect(await store.setSavedReplies('elsewhere', 0, '{}')).toBeUndefined();
    });

    it('makes a secret on first use and gives the same one after reopening', async () => {
      const secret = await store.secret('prelogin');
      expect(secret).toHaveLength(32);
      expect(await store.secret('prelogin')).toEqual(secret);
      expect(await store.secret('other')).not.toEqual(secret);
      await store.close();
      store = await backend.open(() => clock.now);
      expect(await store.secret('prelogin')).toEqual(secret);
    });
  });

  describe('agents, invitations and sessions', () => {
    it('finds agents by email in any case and checks the auth key', async () => {
      const id = await agent('admin', 'Ada@Shop.Test');
      expect(await store.agentByEmail('ada@shop.test')).toMatchObject({ id, site: 'shop', email: 'ada@shop.test', role: 'admin', kdfSalt: 'salt', kdfIterations: 1, keyBackup: null });
      expect((await store.agent(id))?.email).toBe('ada@shop.test');
      expect((await store.verifyAgent('ADA@shop.test', 'the-auth-key'))?.id).toBe(id);
      expect(await store.verifyAgent('ada@shop.test', 'wrong')).toBeUndefined();
      expect(await store.verifyAgent('nobody@shop.test', 'the-auth-key')).toBeUndefined();
      await store.setKeyBackup(id, backup('k'));
      expect((await store.agent(id))?.keyBackup).toEqual(backup('k'));
      await agent('member', 'bo@shop.test');
      expect((await store.team('shop')).map((m) => m.email)).toEqual(['ada@shop.test', 'bo@shop.test']);
    });

    it('takes an invitation once, and not after it expired', async () => {
      const code = await store.createInvite('shop', 'New@shop.test', 'New');
      expect(await store.takeInvite(code)).toEqual({ site: 'shop', email: 'new@shop.test', name: 'New' });
      expect(await store.takeInvite(code)).toBeUndefined();
      const late = await store.createInvite('shop', 'late@shop.test', 'Late');
      clock.now += 8 * 24 * HOUR;
      expect(await store.takeInvite(late)).toBeUndefined();
    });

    it('knows who holds a token: a visitor of a conversation, or an agent whose session expires and whose device may be approved', async () => {
      const visitor = keys();
      const c = await conversation(visitor);
      const visitorToken = await store.issueToken('visitor', c.id, visitor.id);
      expect(await store.principal(visitorToken)).toEqual({ role: 'visitor', site: 'shop', conversationId: c.id, deviceId: visitor.id });
      const agentId = await agent();
      const token = await store.issueToken('agent', agentId);
      expect(await store.principal(token)).toEqual({ role: 'agent', site: 'shop', agentId, deviceId: null, approved: false, expiresAt: clock.now + 12 * HOUR });
      const laptop = keys();
      expect(await store.upsertDevice('shop', agentId, 'Laptop', laptop)).toBe('ok');
      await store.bindTokenToDevice(token, laptop.id);
      expect(await store.principal(token)).toMatchObject({ deviceId: laptop.id, approved: false });
      await store.setDirectory('shop', directory(2), 2, [laptop.id]);
      expect(await store.principal(token)).toMatchObject({ deviceId: laptop.id, approved: true });
      expect(await store.principal('unknown')).toBeUndefined();
      clock.now += 13 * HOUR;
      expect(await store.principal(token)).toBeUndefined();
      expect(await store.principal(visitorToken)).toBeDefined(); // a visitor's token lasts as long as the conversation
    });
  });

  describe('devices and the key directory', () => {
    it('registers devices, refuses another owner’s id, and approves and revokes through the directory', async () => {
      const ada = await agent();
      const bo = await agent('member');
      const laptop = keys();
      expect(await store.upsertDevice('shop', ada, 'Laptop', laptop)).toBe('ok');
      expect(await store.upsertDevice('shop', bo, 'Laptop', laptop)).toBe('taken');
      expect(await store.upsertDevice('shop', ada, 'Renamed', { ...laptop, identityKey: 'new' })).toBe('ok');
      expect((await store.devices('shop')).map((d) => [d.id, d.name, d.status, d.identityKey])).toEqual([[laptop.id, 'Renamed', 'pending', 'new']]);
      const phone = keys();
      await store.upsertDevice('shop', bo, 'Phone', phone);
      await store.addPrekeys(phone.id, [{ id: 1, publicKey: 'p1' }]);
      const token = await store.issueToken('agent', bo, phone.id);
      expect(await store.setDirectory('shop', directory(2), 2, [laptop.id, phone.id])).toEqual([]);
      expect(await store.setDirectory('shop', directory(3), 3, [laptop.id])).toEqual([phone.id]);
      expect((await store.site('shop'))?.directory).toEqual(directory(3));
      expect((await store.site('shop'))?.directoryVersion).toBe(3);
      const statuses = Object.fromEntries((await store.devices('shop')).map((d) => [d.id, d.status]));
      expect(statuses).toEqual({ [laptop.id]: 'approved', [phone.id]: 'revoked' });
      expect(await store.prekeyCount(phone.id)).toBe(0); // a revoked device's prekeys and sessions go
      expect(await store.principal(token)).toBeUndefined();
      expect(await store.upsertDevice('shop', bo, 'Phone', phone)).toBe('revoked');
    });

    it('hands out an approved device’s one-time prekeys once each, lowest first, then the bundle without one', async () => {
      const ada = await agent();
      const laptop = keys();
      await store.upsertDevice('shop', ada, 'Laptop', laptop);
      await store.addPrekeys(laptop.id, [{ id: 2, publicKey: 'p2' }, { id: 1, publicKey: 'p1' }]);
      await store.addPrekeys(laptop.id, [{ id: 1, publicKey: 'again' }]); // kept as first given
      expect(await store.prekeyCount(laptop.id)).toBe(2);
      expect(await store.takeBundle('shop', laptop.id)).toBeUndefined(); // not approved yet
      await store.setDirectory('shop', directory(2), 2, [laptop.id]);
      const taken = await Promise.all([store.takeBundle('shop', laptop.id), store.takeBundle('shop', laptop.id), store.takeBundle('shop', laptop.id)]);
      expect(taken.map((b) => b?.oneTimePrekey?.id).sort()).toEqual([1, 2, undefined]);
      expect(taken.find((b) => b?.oneTimePrekey?.id === 1)?.oneTimePrekey).toEqual({ id: 1, publicKey: 'p1' });
      expect(taken[0]).toMatchObject({ id: laptop.id, signedPrekey: laptop.signedPrekey });
      expect(await store.takeBundle('elsewhere', laptop.id)).toBeUndefined();
    });

    it('sets up an organisation all at once, or not at all when another key is set', async () => {
      const ada = await agent();
      const laptop = keys();
      await store.upsertDevice('shop', ada, 'Laptop', laptop);
      expect(await store.setUpOrganisation('shop', ada, backup('org-1'), directory(1), 1, [laptop.id])).toEqual([]);
      expect(await store.site('shop')).toMatchObject({ orgKey: 'org-1', directoryVersion: 1 });
      expect((await store.agent(ada))?.keyBackup).toEqual(backup('org-1'));
      const bo = await agent('member');
      await expect(store.setUpOrganisation('shop', bo, backup('org-2'), directory(5), 5, [])).rejects.toBeInstanceOf(OrgKeyTakenError);
      expect(await store.site('shop')).toMatchObject({ orgKey: 'org-1', directoryVersion: 1 });
      expect((await store.agent(bo))?.keyBackup).toBeNull();
    });
  });

  describe('conversations', () => {
    it('starts conversations for visitors and messengers, and refuses a device id that exists', async () => {
      const visitor = keys();
      const web = await conversation(visitor);
      expect(web).toMatchObject({ site: 'shop', visitor, createdAt: clock.now, expiresAt: clock.now + 24 * HOUR, lastSeq: 0, lastAt: clock.now, mergedInto: null, channel: null, status: null, assignee: null });
      await expect(conversation(visitor)).rejects.toBeInstanceOf(DeviceTakenError);
      const messenger = await conversation(null);
      expect(messenger.visitor).toBeNull();
      expect(await store.conversation('nope')).toBeUndefined();
      expect(await store.route(web.id)).toEqual({ site: 'shop', expiresAt: web.expiresAt });
      expect(await store.route('nope')).toBeUndefined();
    });

    it('lists a site’s live conversations, the latest first', async () => {
      const first = await conversation();
      clock.now += 1000;
      const second = await conversation();
      clock.now += 1000;
      await store.append(envelope(first.id, 'm1', first.expiresAt));
      expect((await store.conversations('shop')).map((c) => c.id)).toEqual([first.id, second.id]);
      expect((await store.conversations('shop', 1)).map((c) => c.id)).toEqual([first.id]);
      expect((await store.conversations('shop'))[0]).not.toHaveProperty('site');
      clock.now += 25 * HOUR;
      expect(await store.conversations('shop')).toEqual([]);
    });

    it('keeps read positions monotonic and never past the last message', async () => {
      const c = await conversation();
      for (const id of ['a', 'b']) await store.append(envelope(c.id, id, c.expiresAt));
      expect(await store.markRead(c.id, 'agent', 1)).toBe(1);
      expect(await store.markRead(c.id, 'agent', 0)).toBe(1);
      expect(await store.markRead(c.id, 'agent', 99)).toBe(2);
      expect(await store.readState(c.id)).toEqual({ visitor: 0, agent: 2 });
    });

    it('assigns, closes, snoozes and reopens, and merges one conversation into another', async () => {
      const c = await conversation();
      await store.append(envelope(c.id, 'a', c.expiresAt));
      const ada = await agent();
      await store.assign(c.id, ada);
      await store.setStatus(c.id, { state: 'snoozed', until: clock.now + HOUR });
      expect(await store.conversation(c.id)).toMatchObject({ assignee: ada, status: { state: 'snoozed', seq: 1, until: clock.now + HOUR } });
      await store.setStatus(c.id, { state: 'closed', until: null });
      expect((await store.conversation(c.id))?.status).toEqual({ state: 'closed', seq: 1, until: null });
      await store.setStatus(c.id, null);
      await store.assign(c.id, null);
      expect(await store.conversation(c.id)).toMatchObject({ assignee: null, status: null });

      const from = await conversation(null);
      await store.link('messenger', 'PSID-1', 'shop', '…SID1', from.id, clock.now);
      const earlier = await conversation(null);
      await store.merge(earlier.id, from.id);
      await store.merge(from.id, c.id);
      expect((await store.conversation(from.id))?.mergedInto).toBe(c.id);
      expect((await store.conversation(earlier.id))?.mergedInto).toBe(c.id); // what was merged into it follows
      expect(await store.linkedConversation('shop', 'messenger', 'PSID-1')).toBe(c.id);
      expect((await store.conversation(c.id))?.channel).toEqual({ name: 'messenger', label: '…SID1', lastInboundAt: clock.now });
    });
  });

  describe('envelopes', () => {
    it('moves a closed or snoozed conversation’s status to an internal note right after it, and only then', async () => {
      const c = await conversation();
      await store.append(envelope(c.id, 'a', c.expiresAt));
      await store.setStatus(c.id, { state: 'closed', until: null });
      const note = await store.append({ ...envelope(c.id, 'note', c.expiresAt), audience: 'agents' });
      expect((await store.conversation(c.id))?.status).toEqual({ state: 'closed', seq: note.seq, until: null });
      await store.append(envelope(c.id, 'b', c.expiresAt));
      await store.append({ ...envelope(c.id, 'late-note', c.expiresAt), audience: 'agents' });
      // The customer wrote after the close: the note after that changes nothing.
      expect(await store.conversation(c.id)).toMatchObject({ lastSeq: 4, status: { state: 'closed', seq: note.seq } });
    });

    it('numbers envelopes per conversation, answers a resend with the original, and keeps them as sent', async () => {
      const [one, two] = [await conversation(), await conversation()];
      const first = await store.append(envelope(one.id, 'a', one.expiresAt));
      expect(first).toMatchObject({ seq: 1, at: clock.now, duplicate: false });
      expect(JSON.parse(first.body)).toEqual(envelope(one.id, 'a', one.expiresAt));
      clock.now += 5;
      expect(await store.append(envelope(one.id, 'b', one.expiresAt))).toMatchObject({ seq: 2, duplicate: false });
      expect(await store.append(envelope(one.id, 'a', one.expiresAt))).toEqual({ seq: 1, at: clock.now - 5, duplicate: true, body: '' });
      expect(await store.append(envelope(two.id, 'a', two.expiresAt))).toMatchObject({ seq: 1 });
      expect((await store.since(one.id, 0)).map((e) => [e.id, e.seq])).toEqual([['a', 1], ['b', 2]]);
      expect((await store.since(one.id, 1)).map((e) => e.id)).toEqual(['b']);
      expect(await store.since(one.id, 0, 1)).toHaveLength(1);
      expect((await store.storedSince(one.id, 0)).map((e) => JSON.parse(e.body).id)).toEqual(['a', 'b']);
      expect((await store.conversation(one.id))?.lastSeq).toBe(2);
      await expect(store.append(envelope('gone', 'x', one.expiresAt))).rejects.toBeInstanceOf(GoneError);
    });

    it('stores a batch in order in one go, reporting a gone conversation or a full quota alone', async () => {
      const [c, full] = [await conversation(), await conversation()];
      await store.append(envelope(full.id, 'big', full.expiresAt, QUOTAS.conversationBytes - 250));
      const results = await store.appendBatch([
        envelope(c.id, 'x', c.expiresAt),
        envelope('no-such-conversation', 'y', c.expiresAt),
        envelope(full.id, 'over', full.expiresAt, 300),
        envelope(c.id, 'x', c.expiresAt),
        envelope(c.id, 'z', c.expiresAt),
      ]);
      const shown = results.map((r) => (r instanceof GoneError ? 'gone' : r instanceof QuotaError ? r.which : r instanceof Error ? 'error' : [(r as Appended).seq, (r as Appended).duplicate]));
      expect(shown).toEqual([[1, false], 'gone', 'conversationBytes', [1, true], [2, false]]);
      expect((await store.since(c.id, 0)).map((e) => e.id)).toEqual(['x', 'z']);
      expect((await store.since(full.id, 0)).map((e) => e.id)).toEqual(['big']);
    });

    it('counts bytes against the conversation and the site, and refuses what would pass either quota', async () => {
      const [a, b] = [await conversation(), await conversation()];
      const stored = await store.append(envelope(a.id, 'm', a.expiresAt, 1000));
      expect(await store.usage(a.id)).toEqual({ conversation: stored.body.length, site: stored.body.length });
      await store.addBlobBytes(a.id, 18_500);
      expect(await store.usage(a.id)).toEqual({ conversation: stored.body.length + 18_500, site: stored.body.length + 18_500 });
      await expect(store.append(envelope(a.id, 'n', a.expiresAt, 1000))).rejects.toMatchObject({ which: 'conversationBytes' });
      await store.addBlobBytes(b.id, QUOTAS.siteBytes - (await store.usage(b.id))!.site - 500);
      await expect(store.append(envelope(b.id, 'n', b.expiresAt, 1000))).rejects.toMatchObject({ which: 'siteBytes' });
      expect(await store.usage('nope')).toBeUndefined();
    });

    it('numbers concurrent writers’ envelopes gap-free, each once', async () => {
      const c = await conversation();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store.append(envelope(c.id, `m${i}`, c.expiresAt)) : store.appendBatch([envelope(c.id, `m${i}`, c.expiresAt)]).then((r) => r[0] as Appended))));
      expect(results.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect((await store.since(c.id, 0)).map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });
  });

  describe('messengers', () => {
    it('finds a site by its messenger account', async () => {
      await store.setChannels('shop', { whatsapp: { phone: '15550001111', account: '111' }, messenger: { page: 'shop', account: '222' } });
      expect((await store.channels('shop')).whatsapp).toEqual({ phone: '15550001111', account: '111' });
      expect(await store.channels('elsewhere')).toEqual({});
      expect(await store.siteForAccount('messenger', '222')).toBe('shop');
      expect(await store.siteForAccount('whatsapp', '222')).toBeUndefined();
    });

    it('takes a handoff reference once, for its own site, before it expires', async () => {
      const c = await conversation();
      await store.createHandoff(c.id, 'whatsapp', 'TL-AAAAA-BBBBB', clock.now + HOUR);
      await store.createSite('elsewhere', 'Elsewhere');
      expect(await store.takeHandoff('elsewhere', 'whatsapp', 'TL-AAAAA-BBBBB')).toBeUndefined();
      expect(await store.takeHandoff('shop', 'messenger', 'TL-AAAAA-BBBBB')).toBeUndefined();
      expect(await store.takeHandoff('shop', 'whatsapp', 'TL-AAAAA-BBBBB')).toBe(c.id);
      expect(await store.takeHandoff('shop', 'whatsapp', 'TL-AAAAA-BBBBB')).toBeUndefined();
      await store.createHandoff(c.id, 'instagram', 'late', clock.now + HOUR);
      clock.now += 2 * HOUR;
      expect(await store.takeHandoff('shop', 'instagram', 'late')).toBeUndefined();
    });

    it('links a customer’s identity per site, tells the latest one, and stores a platform message once', async () => {
      const [c, other] = [await conversation(null), await conversation(null)];
      await store.link('whatsapp', '447700900123', 'shop', '…0123', c.id, clock.now);
      await store.link('whatsapp', '447700900999', 'shop', '…0999', c.id, clock.now + 10);
      expect(await store.linkedConversation('shop', 'whatsapp', '447700900123')).toBe(c.id);
      expect(await store.linkedConversation('elsewhere', 'whatsapp', '447700900123')).toBeUndefined();
      expect(await store.channelIdentity(c.id, 'whatsapp')).toEqual({ identity: '447700900999', lastInboundAt: clock.now + 10 });
      expect(await store.channelIdentity(c.id, 'messenger')).toBeUndefined();
      await store.link('whatsapp', '447700900123', 'shop', '…0123', other.id, clock.now + 20);
      expect(await store.linkedConversation('shop', 'whatsapp', '447700900123')).toBe(other.id);

      const sealed = { ...envelope(c.id, 'wa1', c.expiresAt), channel: 'whatsapp', sealed: true } as unknown as Envelope;
      expect(await store.seen('wamid.1')).toBe(false);
      expect(await store.appendOnce(sealed, 'wamid.1')).toMatchObject({ seq: 1, duplicate: false });
      expect(await store.seen('wamid.1')).toBe(true);
      expect(await store.appendOnce(sealed, 'wamid.1')).toEqual({ seq: 0, at: 0, duplicate: true });
      expect(await store.since(c.id, 0)).toHaveLength(1);
      // A failed append records no platform id: Meta's retry is stored.
      await expect(store.appendOnce(envelope('gone', 'x', c.expiresAt), 'wamid.2')).rejects.toBeInstanceOf(GoneError);
      expect(await store.seen('wamid.2')).toBe(false);
    });
  });

  describe('expiry', () => {
    it('deletes an expired conversation with every trace of it, and expired sessions, invitations and references', async () => {
      const visitor = keys();
      const c = await conversation(visitor, 24);
      const keep = await conversation(keys(), 24 * 7);
      const token = await store.issueToken('visitor', c.id, visitor.id);
      const stored = await store.append(envelope(c.id, 'm1', c.expiresAt, 100));
      await store.append(envelope(keep.id, 'k1', keep.expiresAt, 100));
      await store.addBlobBytes(c.id, 50);
      await store.createHandoff(c.id, 'whatsapp', 'TL-REF01-REF01', clock.now + 48 * HOUR);
      await store.link('whatsapp', '447700900123', 'shop', 'Customer Name', c.id, clock.now);
      await store.appendOnce({ ...envelope(c.id, 'wa1', c.expiresAt), channel: 'whatsapp', sealed: true } as unknown as Envelope, 'wamid.shred');
      await store.markRead(c.id, 'agent', 1);
      const merged = await conversation(null, 24 * 7);
      await store.merge(merged.id, c.id);
      const agentToken = await store.issueToken('agent', await agent());
      const invite = await store.createInvite('shop', 'x@shop.test', 'X');
      const needles = [c.id, visitor.id, 'TL-REF01-REF01', '447700900123', 'wamid.shred', 'Customer Name'];
      expect((await store.holding(needles)).length).toBeGreaterThan(8);
      const siteBefore = (await store.usage(keep.id))!.site;
      const goneBytes = (await store.usage(c.id))!.conversation;
      expect(goneBytes).toBeGreaterThan(stored.body.length + 50);

      expect(await store.deleteExpired(clock.now + 23 * HOUR)).toEqual([]);
      clock.now += 25 * HOUR;
      expect(await store.deleteExpired()).toEqual([{ id: c.id, site: 'shop' }]);
      expect(await store.holding(needles)).toEqual([]);
      expect(await store.principal(token)).toBeUndefined();
      expect(await store.principal(agentToken)).toBeUndefined(); // 12 hours passed
      expect(await store.conversation(merged.id)).toMatchObject({ mergedInto: null });
      expect((await store.usage(keep.id))!.site).toBe(siteBefore - goneBytes);
      clock.now += 7 * 24 * HOUR;
      await store.deleteExpired();
      expect(await store.takeInvite(invite)).toBeUndefined();
      expect((await store.rowCounts()).invites).toBe(0);
    });
  });

  describe('locks and readiness', () => {
    it('runs work under a lock only while no one else holds it, and frees it when the work fails', async () => {
      let inner: string | undefined = 'not run';
      const outer = await store.exclusive('sweep', async () => {
        inner = await store.exclusive('sweep', async () => 'ran twice');
        expect(await store.exclusive('other', async () => 'other lock')).toBe('other lock');
        return 'ran';
      });
      expect([outer, inner]).toEqual(['ran', undefined]);
      await expect(store.exclusive('sweep', () => Promise.reject(new Error('broke')))).rejects.toThrow('broke');
      expect(await store.exclusive('sweep', async () => 'free again')).toBe('free again');
    });

    it('is ready while open, and not once closed', async () => {
      expect(await store.ready()).toBe(true);
      await store.close();
      expect(await store.ready()).toBe(false);
      store = await backend.open(() => clock.now);
    });
  });

  describe('blobs', () => {
    const body = (...chunks: Buffer[]) => Readable.from(chunks);
    it('stores a blob whole, refuses its id twice, and deletes a conversation’s blobs', async () => {
      const big = randomBytes(700 * 1024);
      expect(await store.blobs.put('c1', 'b1', body(big.subarray(0, 1000), big.subarray(1000)))).toBe(big.length);
      expect(await store.blobs.exists('c1', 'b1')).toBe(true);
      const found = await store.blobs.get('c1', 'b1');
      expect(found?.size).toBe(big.length);
      const read: Buffer[] = [];
      for await (const chunk of found!.stream) read.push(chunk as Buffer);
      expect(Buffer.concat(read).equals(big)).toBe(true);
      await expect(store.blobs.put('c1', 'b1', body(Buffer.from('again')))).rejects.toBeInstanceOf(BlobExistsError);
      expect(await store.blobs.get('c1', 'nope')).toBeUndefined();
      await store.blobs.put('c2', 'b1', body(Buffer.from('other')));
      await store.blobs.deleteConversation('c1');
      expect(await store.blobs.exists('c1', 'b1')).toBe(false);
      expect(await store.blobs.exists('c2', 'b1')).toBe(true);
    });

    it('keeps nothing of an upload that broke off', async () => {
      const broken = new Readable({ read() {} });
      const put = store.blobs.put('c1', 'b1', broken);
      broken.push(randomBytes(300 * 1024));
      setImmediate(() => broken.destroy(new Error('connection reset')));
      await expect(put).rejects.toThrow('connection reset');
      expect(await store.blobs.exists('c1', 'b1')).toBe(false);
      expect(await store.blobs.put('c1', 'b1', body(Buffer.from('retry')))).toBe(5);
    });
  });
});
