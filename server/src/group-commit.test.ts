import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '@threadline/sdk/protocol';
import { GroupCommit, MAX_BATCH } from './group-commit.ts';
import { GoneError, openStorage, type Appended, type Storage } from './storage/index.ts';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
let dir: string;
let store: Storage;
let conversation: { id: string; expiresAt: number; device: string };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threadline-group-commit-'));
  store = await openStorage({ dataDir: dir });
  await store.createSite('shop', 'Shop');
  const device = { id: b64(12), identityKey: b64(32), signingKey: b64(32), signedPrekey: { id: 1, publicKey: b64(32), signature: b64(64) } };
  const created = await store.createConversation('shop', device, Date.now() + 86_400_000);
  conversation = { id: created.id, expiresAt: created.expiresAt, device: device.id };
});
afterEach(async () => {
  if (store.open) await store.close();
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
    const reader = await openStorage({ dataDir: dir });
    // SQLite answers a read at once: what the second connection held when the sender was answered.
    const storedElsewhere = (id: string) => reader.since(conversation.id, 0).then((stored) => stored.find((e) => e.id === id)?.seq);
    const answers: { id: string; result: Appended | Error; visible: Promise<number | undefined> }[] = [];
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
    expect(await Promise.all(answers.map((a) => a.visible))).toEqual([1, 2, 1, 3]);
    expect(JSON.parse((answers[1]!.result as Appended).body)).toEqual(sent.get('b')); // the text forwarded to the other side
    expect((await store.since(conversation.id, 0)).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    await reader.close();
  });

  it('stores the rest of a batch when one envelope fails, and reports that one', async () => {
    const commits = new GroupCommit(store);
    const results: (Appended | Error)[] = [];
    commits.append(envelope('x'), (r) => results.push(r));
    commits.append(envelope('y', 'no-such-conversation'), (r) => results.push(r));
    commits.append(envelope('z'), (r) => results.push(r));
    await tick();
    expect(results.map((r) => (r instanceof GoneError ? 'gone' : r instanceof Error ? 'error' : r.seq))).toEqual([1, 'gone', 2]);
    expect((await store.since(conversation.id, 0)).map((e) => e.id)).toEqual(['x', 'z']);
  });

  it('acknowledges nothing that could not be written', async () => {
    await store.close(); // the database is gone from under the relay
    const commits = new GroupCommit(store);
    const results: (Appended | Error)[] = [];
    for (const id of ['p', 'q']) commits.append(envelope(id), (r) => results.push(r));
    await tick();
    expect(results).toHaveLength(2);
    expect(results.every((r) => r instanceof Error && !(r instanceof GoneError))).toBe(true);
    store = await openStorage({ dataDir: dir });
    expect(await store.since(conversation.id, 0)).toEqual([]);
  });

  it('commits a full batch at once without waiting for the turn to end', async () => {
    const commits = new GroupCommit(store);
    let turnEnded = false;
    setImmediate(() => (turnEnded = true));
    const answered = new Promise<boolean>((resolve) => {
      let count = 0;
      for (let i = 0; i < MAX_BATCH; i++) commits.append(envelope(`m${i}`), () => ++count === MAX_BATCH && resolve(turnEnded));
    });
    expect(await answered).toBe(false); // all answered before the turn's immediate callbacks ran
    expect(await store.route(conversation.id)).toEqual({ site: 'shop', expiresAt: conversation.expiresAt });
    expect((await store.since(conversation.id, 0, MAX_BATCH)).length).toBe(MAX_BATCH);
  });

  it('commits one batch at a time: what arrives during a commit forms the next batch, in order', async () => {
    const batches: number[] = [];
    // The same storage, answering 20 ms later: a database over the network.
    const appendBatch = async (envelopes: Envelope[]) => {
      batches.push(envelopes.length);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return store.appendBatch(envelopes);
    };
    const slow = new Proxy(store, {
      get: (target, key) => {
        if (key === 'appendBatch') return appendBatch;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const commits = new GroupCommit(slow);
    const seqs: number[] = [];
    commits.append(envelope('first'), (r) => seqs.push((r as Appended).seq));
    await tick(); // the first batch is committing
    const done = new Promise<void>((resolve) => {
      for (const id of ['second', 'third']) commits.append(envelope(id), (r) => (seqs.push((r as Appended).seq), seqs.length === 3 && resolve()));
    });
    await done;
    expect(batches).toEqual([1, 2]);
    expect(seqs).toEqual([1, 2, 3]);
  });
});
