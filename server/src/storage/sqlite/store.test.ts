/** What only the SQLite storage has: its durability settings, and data directories made before migrations were versioned. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStorage, SQLITE_FILE } from './store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'threadline-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite storage', () => {
  it('runs in WAL with synchronous=FULL: an acknowledged message survives a power cut', async () => {
    const store = await openSqliteStorage(dir);
    expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 2 });
    await store.close();
  });

  it('records the migrations it ran and runs none twice', async () => {
    await (await openSqliteStorage(dir)).close();
    await (await openSqliteStorage(dir)).close();
    const db = new Database(join(dir, SQLITE_FILE), { readonly: true });
    expect(db.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all()).toEqual(['0001-schema', '0002-saved-replies']);
    db.close();
  });

  it('adopts a data directory from before versioned migrations: missing columns, profile names as labels, envelopes clustered by conversation', async () => {
    // The first release's layout, as its relay left it on disk.
    const old = new Database(join(dir, SQLITE_FILE));
    old.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, org_key TEXT, directory TEXT, directory_sig TEXT,
        directory_version INTEGER NOT NULL DEFAULT 0, retention_default TEXT NOT NULL DEFAULT '30d',
        retention_max TEXT NOT NULL DEFAULT '1y', channels TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL);
      CREATE TABLE devices (id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), agent_id TEXT, name TEXT NOT NULL,
        keys TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE conversations (id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), visitor_device TEXT,
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0,
        last_at INTEGER NOT NULL, merged_into TEXT, visitor_read INTEGER NOT NULL DEFAULT 0, agent_read INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE channel_links (channel TEXT NOT NULL, identity TEXT NOT NULL, site_id TEXT NOT NULL, label TEXT NOT NULL,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, last_inbound_at INTEGER NOT NULL,
        PRIMARY KEY (site_id, channel, identity)) WITHOUT ROWID;
      CREATE TABLE channel_seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE envelopes (conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
        id TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, id)) WITHOUT ROWID;`);
    const expiresAt = Date.now() + 3600_000;
    old.prepare("INSERT INTO sites (id, name, created_at) VALUES ('shop', 'Shop', 1)").run();
    old.prepare("INSERT INTO conversations (id, site_id, created_at, expires_at, last_seq, last_at) VALUES ('c1', 'shop', 1, ?, 2, 1)").run(expiresAt);
    old.prepare("INSERT INTO channel_links VALUES ('whatsapp', '16505551234', 'shop', 'Dana Whitfield', 'c1', 1)").run();
    const body = (id: string) => JSON.stringify({ v: 2, conversationId: 'c1', id, from: 'visitor', device: 'whatsapp', expiresAt, iv: 'AAAAAAAAAAAAAAAA', ct: 'Y3Q', keys: [] });
    for (const [seq, id] of [[1, 'e1'], [2, 'e2']] as const) old.prepare('INSERT INTO envelopes VALUES (?, ?, ?, ?, ?)').run('c1', seq, id, body(id), seq);
    old.close();

    const store = await openSqliteStorage(dir);
    expect((await store.conversation('c1'))?.channel?.label).toBe('…1234');
    expect((await store.since('c1', 0)).map((e) => [e.id, e.seq])).toEqual([['e1', 1], ['e2', 2]]);
    expect(await store.append(JSON.parse(body('e1')))).toMatchObject({ seq: 1, duplicate: true });
    expect(await store.append(JSON.parse(body('e3')))).toMatchObject({ seq: 3, duplicate: false });
    expect(await store.shareText('shop')).toBe(false);
    await store.setOrigins('shop', ['https://shop.example']);
    expect(await store.usage('c1')).toEqual({ conversation: body('e3').length, site: body('e3').length });
    await store.close();
    const db = new Database(join(dir, SQLITE_FILE), { readonly: true });
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'envelopes'").pluck().get()).not.toMatch(/WITHOUT ROWID/);
    db.close();
  });
});
