/**
 * The SQLite schema, as versioned migrations (kysely records the ones run in `kysely_migration`).
 * A migration is never edited once released: a change is a new one, appended.
 */
import type Database from 'better-sqlite3';
import type { Migration } from 'kysely';

/** A messenger identity as the relay labels it (as `mask` in channels/parse.ts): its last four characters. */
const SHORT_ID = "CASE WHEN length(identity) > 6 THEN '…' || substr(identity, -4) ELSE identity END";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, org_key TEXT, directory TEXT, directory_sig TEXT,
  directory_version INTEGER NOT NULL DEFAULT 0, retention_default TEXT NOT NULL DEFAULT '30d',
  retention_max TEXT NOT NULL DEFAULT '1y', channels TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL,
  origins TEXT NOT NULL DEFAULT '[]', bytes INTEGER NOT NULL DEFAULT 0, share_text INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL, role TEXT NOT NULL, kdf_salt TEXT NOT NULL, kdf_iterations INTEGER NOT NULL,
  auth_salt BLOB NOT NULL, auth_hash BLOB NOT NULL, key_backup TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS invites (
  hash BLOB PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), email TEXT NOT NULL,
  name TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), agent_id TEXT, name TEXT NOT NULL,
  keys TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS prekeys (
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, id INTEGER NOT NULL,
  public_key TEXT NOT NULL, PRIMARY KEY (device_id, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
  hash BLOB PRIMARY KEY, role TEXT NOT NULL, subject TEXT NOT NULL, device_id TEXT, expires_at INTEGER);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), visitor_device TEXT,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0,
  last_at INTEGER NOT NULL, merged_into TEXT, visitor_read INTEGER NOT NULL DEFAULT 0, agent_read INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0, status TEXT, status_seq INTEGER, snoozed_until INTEGER, assignee TEXT);
CREATE TABLE IF NOT EXISTS handoffs (
  channel TEXT NOT NULL, ref TEXT NOT NULL, conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL, PRIMARY KEY (channel, ref)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS channel_links (
  channel TEXT NOT NULL, identity TEXT NOT NULL, site_id TEXT NOT NULL, label TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, last_inbound_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, channel, identity)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS channel_links_by_conversation ON channel_links(conversation_id, last_inbound_at);
CREATE TABLE IF NOT EXISTS channel_seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL, conversation_id TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_by_site ON conversations(site_id, last_at);
CREATE INDEX IF NOT EXISTS conversations_by_expiry ON conversations(expires_at);
`;

/**
 * Envelopes are kept in arrival order (a rowid table), so a commit appends to the table's last
 * pages; the two indexes find a conversation's envelopes by sequence number and by client id.
 * (Clustered by conversation, as a WITHOUT ROWID table, every ~1 KB row landed on a different page
 * and a commit of many messages rewrote hundreds of pages: 4× fewer messages per second.)
 */
const ENVELOPES = `
CREATE TABLE IF NOT EXISTS envelopes (
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  id TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq), UNIQUE (conversation_id, id));
`;

/** Columns added to tables before migrations were versioned: a data directory of that time lacks some of them. */
const LATE_COLUMNS: [table: string, column: string, definition: string][] = [
  ['sites', 'origins', "TEXT NOT NULL DEFAULT '[]'"],
  ['sites', 'bytes', 'INTEGER NOT NULL DEFAULT 0'],
  ['sites', 'share_text', 'INTEGER NOT NULL DEFAULT 0'],
  ['channel_seen', 'conversation_id', 'TEXT'],
  ['conversations', 'bytes', 'INTEGER NOT NULL DEFAULT 0'],
  ['conversations', 'status', 'TEXT'],
  ['conversations', 'status_seq', 'INTEGER'],
  ['conversations', 'snoozed_until', 'INTEGER'],
  ['conversations', 'assignee', 'TEXT'],
];

/**
 * Brings a data directory made before migrations were versioned to the schema of 0001: the columns
 * added since its release, messenger labels as shortened ids, and envelopes in arrival order. A new
 * data directory has all of it already, and this changes nothing there.
 */
function adoptUnversioned(db: Database.Database): void {
  for (const [table, column, definition] of LATE_COLUMNS) {
    const columns = db.pragma(`table_info(${table})`) as { name: string }[];
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
  db.exec(`UPDATE channel_links SET label = ${SHORT_ID} WHERE label <> ${SHORT_ID}`);
  const envelopes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'envelopes'").pluck().get() as string | undefined;
  if (envelopes?.includes('WITHOUT ROWID')) {
    db.exec('ALTER TABLE envelopes RENAME TO envelopes_clustered');
    db.exec(ENVELOPES);
    db.exec('INSERT INTO envelopes (conversation_id, seq, id, body, at) SELECT conversation_id, seq, id, body, at FROM envelopes_clustered ORDER BY at, conversation_id, seq');
    db.exec('DROP TABLE envelopes_clustered');
  }
}

/** The migrations, run on the better-sqlite3 connection that kysely's migrator records them through. */
export function sqliteMigrations(db: Database.Database): Record<string, Migration> {
  const step = (run: () => void): Migration => ({ up: async () => db.transaction(run)() });
  return {
    '0001-schema': step(() => {
      db.exec(SCHEMA);
      adoptUnversioned(db);
      db.exec(ENVELOPES);
    }),
    // The team's saved replies, sealed by an agent's console (the relay cannot read them), and their version.
    '0002-saved-replies': step(() => {
      db.exec('ALTER TABLE sites ADD COLUMN saved_replies TEXT');
      db.exec('ALTER TABLE sites ADD COLUMN saved_replies_version INTEGER NOT NULL DEFAULT 0');
    }),
  };
}
