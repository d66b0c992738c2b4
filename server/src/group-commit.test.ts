import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '@threadline/sdk/protocol';
import { GroupCommit, MAX_BATCH } from './group-commit.ts';
import { GoneError, Store, type Appended } from './store.ts';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
let dir: string;
let store: Store;
let conversation: { id: string; expiresAt: number; device: string };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadline-group-commit-'));
  store = new Store(dir);
  store.createSite('shop', 'Shop');
  const device = { id: b64(12), identityKey: b64(32), signingKey: b64(32), signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) } };
  const created = store.createConversation('shop', device, Date.now() + 86_400_000);
  conversation = { id: created.id, expiresAt: created.expiresAt, device: device.id };
});
afterEach(() => {
  if (store.db.open) store.close();
  rmSync(dir, { recursive: true, force: true });
});

const envelope = (id: string, conversationId = conversation.id): Envelope => ({
  v: 2, conversationId, id, from: 'visitor', device: conversation.device, expiresAt: conversation.expiresAt, iv: b64(12), ct: b64(64), keys: [],
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('answers each envelope only after its batch is committed, in order, with duplicates answered by the first', async () => {
    const commits = new GroupCommit(store);
    // A second connection sees only committed data: what the relay would find after a crash.
    const reader = new Database(join(dir, 'threadline.sqlite'), { readonly: true });
    const storedElsewhere = (id: string) => reader.prepare('SELECT seq FROM envelopes WHERE conversation_id = ? AND id = ?').pluck().get(conversation.id, id);
    const answers: { id: string; result: Appended | Error; visible: unknown }[] = [];
    const sent = new Map<string, Envelope>();
    for (const id of ['a', 'b', 'a', 'c']) {
      const resent = sent.get(id) ?? envelope(id);
      sent.set(id, resent);
      commits.append(resent, (result) => answers.push({ id, result, visible: storedElsewhere(id) }));
    }
    expect(answers).toEqual([]); // nothing is answered before the commit
    await tick();
    expect(answers.map(({ id, result }) => [id, (result as Appended).seq, (result as Appended).duplicate])).toEqual([
      ['a', 1, false],
      ['b', 2, false],
      ['a', 1, true],
      ['c', 3, false],
    ]);
    expect(answers.map((a) => a.visible)).toEqual([1, 2, 1, 3]);
    expect(JSON.parse((answers[1]!.result as Appended).body)).toEqual(sent.get('b')); // the text forwarded to the other side
    expect(store.since(conversation.id, 0).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    reader.close();
  });

  it('stores the rest of a batch when one envelope fails, and reports that one', async () => {
    const commits = new GroupCommit(store);
    const results: (Appended | Error)[] = [];
    commits.append(envelope('x'), (r) => results.push(r));
    commits.append(envelope('y', 'no-such-conversation'), (r) => results.push(r));
    commits.append(envelope('z'), (r) => results.push(r));
    await tick();
    expect(results.map((r) => (r instanceof GoneError ? 'gone' : r instanceof Error ? 'error' : r.seq))).toEqual([1, 'gone', 2]);
    expect(store.since(conversation.id, 0).map((e) => e.id)).toEqual(['x', 'z']);
  });

  it('acknowledges nothing that could not be written', async () => {
    const locker = new Database(join(dir, 'threadline.sqlite'));
    locker.exec('BEGIN IMMEDIATE'); // another writer holds the database
    store.db.pragma('busy_timeout = 0');
    const commits = new GroupCommit(store);
    const results: (Appended | Error)[] = [];
    for (const id of ['p', 'q']) commits.append(envelope(id), (r) => results.push(r));
    await tick();
    expect(results).toHaveLength(2);
    expect(results.every((r) => r instanceof Error)).toBe(true);
    locker.exec('ROLLBACK');
    locker.close();
    expect(store.since(conversation.id, 0)).toEqual([]);
  });

  it('commits a full batch at once without waiting for the turn to end', () => {
    const commits = new GroupCommit(store);
    let answered = 0;
    for (let i = 0; i < MAX_BATCH; i++) commits.append(envelope(`m${i}`), () => answered++);
    expect(answered).toBe(MAX_BATCH);
    expect(store.route(conversation.id)).toEqual({ site: 'shop', expiresAt: conversation.expiresAt });
  });
});

describe('Store envelopes table', () => {
  it('converts a data directory whose envelopes were clustered by conversation, keeping every envelope and its numbering', () => {
    for (const id of ['e1', 'e2']) store.append(envelope(id));
    store.close();
    const db = new Database(join(dir, 'threadline.sqlite'));
    db.exec(`ALTER TABLE envelopes RENAME TO current;
      CREATE TABLE envelopes (conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
        id TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, id)) WITHOUT ROWID;
      INSERT INTO envelopes SELECT conversation_id, seq, id, body, at FROM current; DROP TABLE current;`);
    db.close();

    store = new Store(dir);
    const sql = store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'envelopes'").pluck().get() as string;
    expect(sql).not.toMatch(/WITHOUT ROWID/);
    expect(store.since(conversation.id, 0).map((e) => [e.id, e.seq])).toEqual([['e1', 1], ['e2', 2]]);
    expect(store.append(envelope('e1'))).toMatchObject({ seq: 1, duplicate: true });
    expect(store.append(envelope('e3'))).toMatchObject({ seq: 3, duplicate: false });
  });
});
