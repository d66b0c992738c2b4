/**
 * The PostgreSQL schema, as versioned migrations (kysely records the ones run in `kysely_migration`
 * and takes a lock, so relays starting together on one database migrate it once).
 * A migration is never edited once released: a change is a new one, appended.
 * Times are milliseconds since 1970 (BIGINT), as in the SQLite schema.
 */
import { sql, type Kysely, type Migration } from 'kysely';

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sites (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, org_key TEXT, directory TEXT, directory_sig TEXT,
  directory_version INTEGER NOT NULL DEFAULT 0, retention_default TEXT NOT NULL DEFAULT '30d',
  retention_max TEXT NOT NULL DEFAULT '1y', channels TEXT NOT NULL DEFAULT '{}', created_at BIGINT NOT NULL,
  origins TEXT NOT NULL DEFAULT '[]', bytes BIGINT NOT NULL DEFAULT 0, share_text BOOLEAN NOT NULL DEFAULT false);
CREATE TABLE agents (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL, role TEXT NOT NULL, kdf_salt TEXT NOT NULL, kdf_iterations INTEGER NOT NULL,
  auth_salt BYTEA NOT NULL, auth_hash BYTEA NOT NULL, key_backup TEXT, created_at BIGINT NOT NULL);
CREATE TABLE invites (
  hash BYTEA PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), email TEXT NOT NULL,
  name TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE devices (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), agent_id TEXT, name TEXT NOT NULL,
  keys TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE prekeys (
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, id INTEGER NOT NULL,
  public_key TEXT NOT NULL, PRIMARY KEY (device_id, id));
CREATE TABLE tokens (
  hash BYTEA PRIMARY KEY, role TEXT NOT NULL, subject TEXT NOT NULL, device_id TEXT, expires_at BIGINT);
CREATE INDEX tokens_by_subject ON tokens(subject);
CREATE INDEX tokens_by_device ON tokens(device_id);
CREATE TABLE conversations (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), visitor_device TEXT,
  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0,
  last_at BIGINT NOT NULL, merged_into TEXT, visitor_read INTEGER NOT NULL DEFAULT 0, agent_read INTEGER NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0, status TEXT, status_seq INTEGER, snoozed_until BIGINT, assignee TEXT);
CREATE INDEX conversations_by_site ON conversations(site_id, last_at);
CREATE INDEX conversations_by_expiry ON conversations(expires_at);
CREATE TABLE handoffs (
  channel TEXT NOT NULL, ref TEXT NOT NULL, conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL, PRIMARY KEY (channel, ref));
CREATE TABLE channel_links (
  channel TEXT NOT NULL, identity TEXT NOT NULL, site_id TEXT NOT NULL, label TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, last_inbound_at BIGINT NOT NULL,
  PRIMARY KEY (site_id, channel, identity));
CREATE INDEX channel_links_by_conversation ON channel_links(conversation_id, last_inbound_at);
CREATE TABLE channel_seen (id TEXT PRIMARY KEY, at BIGINT NOT NULL, conversation_id TEXT);
CREATE TABLE envelopes (
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  id TEXT NOT NULL, body TEXT NOT NULL, at BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, id));
CREATE TABLE blobs (
  conversation_id TEXT NOT NULL, id TEXT NOT NULL, size BIGINT NOT NULL, PRIMARY KEY (conversation_id, id));
CREATE TABLE blob_chunks (
  conversation_id TEXT NOT NULL, blob_id TEXT NOT NULL, n INTEGER NOT NULL, data BYTEA NOT NULL,
  PRIMARY KEY (conversation_id, blob_id, n), FOREIGN KEY (conversation_id, blob_id) REFERENCES blobs(conversation_id, id) ON DELETE CASCADE);
`;

const SAVED_REPLIES = `
ALTER TABLE sites ADD COLUMN saved_replies TEXT;
ALTER TABLE sites ADD COLUMN saved_replies_version INTEGER NOT NULL DEFAULT 0;
`;

export const postgresMigrations: Record<string, Migration> = {
  '0001-schema': { up: async (db: Kysely<unknown>) => void (await sql.raw(SCHEMA).execute(db)) },
  // The team's saved replies, sealed by an agent's console (the relay cannot read them), and their version.
  '0002-saved-replies': { up: async (db: Kysely<unknown>) => void (await sql.raw(SAVED_REPLIES).execute(db)) },
};
