/**
 * The relay's storage: one SQLite file (WAL) in the data directory. It holds sites and their signed
 * key directories, agents, devices and their public prekeys, session-token hashes, and envelopes —
 * ciphertext with routing metadata, never message text.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_QUOTAS, overQuota, QuotaError, type Quotas } from './quotas.ts';
import type {
  AgentRole,
  Channel,
  ConversationSummary,
  DeviceKeys,
  DeviceRecord,
  DeviceStatus,
  Envelope,
  KeyBackup,
  PrekeyBundleWire,
  Retention,
  SignedDirectory,
  StoredEnvelope,
  TeamMember,
} from '@threadline/sdk/protocol';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
/** The auth key is already a 256-bit PBKDF2 output; scrypt makes a stolen database costlier still. */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 };
const AGENT_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A messenger identity as the relay labels it (as `mask` in channels/parse.ts): its last four characters. */
const SHORT_ID = "CASE WHEN length(identity) > 6 THEN '…' || substr(identity, -4) ELSE identity END";
/** Meta retries a webhook delivery for up to a week. */
const SEEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, org_key TEXT, directory TEXT, directory_sig TEXT,
  directory_version INTEGER NOT NULL DEFAULT 0, retention_default TEXT NOT NULL DEFAULT '30d',
  retention_max TEXT NOT NULL DEFAULT '1y', channels TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL);
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
  last_at INTEGER NOT NULL, merged_into TEXT, visitor_read INTEGER NOT NULL DEFAULT 0, agent_read INTEGER NOT NULL DEFAULT 0);
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

/** Data directories made before envelopes were kept in arrival order are converted on open. */
function migrateEnvelopes(db: Database.Database): void {
  const sql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'envelopes'").pluck().get() as string | undefined;
  if (!sql?.includes('WITHOUT ROWID')) return;
  db.transaction(() => {
    db.exec('ALTER TABLE envelopes RENAME TO envelopes_clustered');
    db.exec(ENVELOPES);
    db.exec('INSERT INTO envelopes (conversation_id, seq, id, body, at) SELECT conversation_id, seq, id, body, at FROM envelopes_clustered ORDER BY at, conversation_id, seq');
    db.exec('DROP TABLE envelopes_clustered');
  })();
}

/** What storing one envelope came to: its sequence number, and the JSON text stored. */
export interface Appended {
  seq: number;
  at: number;
  /** True when the client id was stored before: `seq` and `at` are the original's. */
  duplicate: boolean;
  /** The envelope as stored (JSON, without `seq` and `at`); empty for a duplicate. */
  body: string;
}

export interface Site {
  id: string;
  name: string;
  orgKey: string | null;
  directory: SignedDirectory | null;
  directoryVersion: number;
  retention: { default: Retention; max: Retention };
}
export interface AgentRecord {
  id: string;
  site: string;
  email: string;
  name: string;
  role: AgentRole;
  kdfSalt: string;
  kdfIterations: number;
  keyBackup: KeyBackup | null;
}
export type Principal =
  | { role: 'visitor'; site: string; conversationId: string; deviceId: string }
  | { role: 'agent'; site: string; agentId: string; deviceId: string | null; approved: boolean; expiresAt: number };

export interface NewAgent {
  site: string;
  email: string;
  name: string;
  role: AgentRole;
  salt: string;
  iterations: number;
  authKey: string;
  keyBackup?: KeyBackup;
}

export type Conversation = ConversationSummary & { site: string };

/** An envelope was sent to a conversation that no longer exists. */
export class GoneError extends Error {
  constructor(conversationId: string) {
    super(`conversation ${conversationId} does not exist`);
  }
}

/** A visitor registered with a device id that already exists (another visitor's, or an agent's). */
export class DeviceTakenError extends Error {}

/** A site's messenger accounts: the public part (phone, page, username) and the account id webhooks name. */
export interface SiteChannels {
  whatsapp?: { phone: string; account: string };
  messenger?: { page: string; account: string };
  instagram?: { username: string; account: string };
}

const newId = () => randomBytes(12).toString('base64url');
const hash = (secret: string) => createHash('sha256').update(secret).digest();

type StatusRow = { state: 'closed' | 'snoozed' | null; statusSeq: number | null; snoozedUntil: number | null };

export class Store {
  readonly db: Database.Database;
  readonly #statements;
  readonly #appendTransaction;
  readonly #batchTransaction;

  constructor(
    readonly dataDir: string,
    readonly now: () => number = Date.now,
    readonly quotas: Quotas = DEFAULT_QUOTAS,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'threadline.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // The relay acknowledges an envelope only after `append`'s transaction has committed, and an
    // ack means "stored": the client then drops it from its outbox. In WAL mode, NORMAL syncs the
    // log only at checkpoints, so a power cut can roll back the last committed transactions — acked
    // messages that no one still holds. FULL fsyncs the log on every commit, at the cost of one fsync per
    // transaction: the price of "acknowledged = stored".
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    // Added after the first release: the websites allowed to embed a site's chat.
    if (!(this.db.pragma('table_info(sites)') as { name: string }[]).some((column) => column.name === 'origins')) {
      this.db.exec("ALTER TABLE sites ADD COLUMN origins TEXT NOT NULL DEFAULT '[]'");
    }
    // Added later: a platform message id belongs to its conversation, so shredding it takes the id too.
    if (!(this.db.pragma('table_info(channel_seen)') as { name: string }[]).some((column) => column.name === 'conversation_id')) {
      this.db.exec('ALTER TABLE channel_seen ADD COLUMN conversation_id TEXT');
    }
    // Added later: the bytes a conversation and a site keep, for the storage quotas.
    for (const table of ['conversations', 'sites']) {
      if (!(this.db.pragma(`table_info(${table})`) as { name: string }[]).some((column) => column.name === 'bytes')) {
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0`);
      }
    }
    // Earlier versions kept a WhatsApp customer's profile name as the label: it becomes the shortened id.
    this.db.exec(`UPDATE channel_links SET label = ${SHORT_ID} WHERE label <> ${SHORT_ID}`);
    // Added later: what an agent decided about a conversation (closed or snoozed, at which message) and who has it.
    if (!(this.db.pragma('table_info(conversations)') as { name: string }[]).some((column) => column.name === 'status')) {
      this.db.exec(
        'ALTER TABLE conversations ADD COLUMN status TEXT; ALTER TABLE conversations ADD COLUMN status_seq INTEGER; ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER; ALTER TABLE conversations ADD COLUMN assignee TEXT',
      );
    }
    // Added with the chat frame: whether the site's pages may receive message text (off by default).
    if (!(this.db.pragma('table_info(sites)') as { name: string }[]).some((column) => column.name === 'share_text')) {
      this.db.exec('ALTER TABLE sites ADD COLUMN share_text INTEGER NOT NULL DEFAULT 0');
    }
    migrateEnvelopes(this.db);
    this.db.exec(ENVELOPES);
    const db = this.db;
    this.#statements = {
      insertEnvelope: db.prepare('INSERT INTO envelopes (conversation_id, seq, id, body, at) VALUES (?, ?, ?, ?, ?)'),
      bump: db.prepare('UPDATE conversations SET last_seq = last_seq + 1, last_at = ?, bytes = bytes + ? WHERE id = ? RETURNING last_seq AS seq, site_id AS site'),
      usage: db.prepare('SELECT c.bytes AS conversation, s.bytes AS site FROM conversations c JOIN sites s ON s.id = c.site_id WHERE c.id = ?'),
      addSiteBytes: db.prepare('UPDATE sites SET bytes = bytes + ? WHERE id = ?'),
      findEnvelope: db.prepare('SELECT seq, at FROM envelopes WHERE conversation_id = ? AND id = ?'),
      since: db.prepare('SELECT body, seq, at FROM envelopes WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      route: db.prepare('SELECT site_id AS site, expires_at AS expiresAt FROM conversations WHERE id = ?'),
      conversation: db.prepare(
        `SELECT c.id, c.site_id AS site, d.keys AS visitor, c.created_at AS createdAt, c.expires_at AS expiresAt,
                c.last_seq AS lastSeq, c.last_at AS lastAt, c.merged_into AS mergedInto,
                c.status AS state, c.status_seq AS statusSeq, c.snoozed_until AS snoozedUntil, c.assignee AS assignee,
                l.channel AS channel, l.label AS label, l.last_inbound_at AS lastInboundAt
         FROM conversations c LEFT JOIN devices d ON d.id = c.visitor_device
         LEFT JOIN channel_links l ON l.conversation_id = c.id
           AND l.last_inbound_at = (SELECT max(last_inbound_at) FROM channel_links WHERE conversation_id = c.id)
         WHERE c.id = ?`,
      ),
    };
    this.#appendTransaction = db.transaction((envelope: Envelope) => {
      const appended = this.#appendOne(envelope);
      if (!appended) throw new GoneError(envelope.conversationId);
      if (appended instanceof QuotaError) throw appended;
      return appended;
    });
    // No savepoint per envelope (it doubled the cost): an envelope fails alone only when its
    // conversation is gone or over quota, which is found before anything is written; any other
    // error rolls the whole batch back.
    this.#batchTransaction = db.transaction((envelopes: Envelope[]) => envelopes.map((envelope) => this.#appendOne(envelope) ?? new GoneError(envelope.conversationId)));
  }

  /**
   * Stores one envelope (inside a transaction), or returns, having written nothing, undefined when
   * its conversation no longer exists (the sweeper deleted it) or a QuotaError when it does not fit.
   */
  #appendOne(envelope: Envelope): Appended | QuotaError | undefined {
    const s = this.#statements;
    const existing = s.findEnvelope.get(envelope.conversationId, envelope.id) as { seq: number; at: number } | undefined;
    if (existing) return { ...existing, duplicate: true, body: '' };
    const body = JSON.stringify(envelope);
    const used = s.usage.get(envelope.conversationId) as { conversation: number; site: number } | undefined;
    if (!used) return undefined;
    const over = overQuota(this.quotas, used, body.length);
    if (over) return new QuotaError(over);
    const at = this.now();
    const bumped = s.bump.get(at, body.length, envelope.conversationId) as { seq: number; site: string };
    s.addSiteBytes.run(body.length, bumped.site);
    s.insertEnvelope.run(envelope.conversationId, bumped.seq, envelope.id, body, at);
    return { seq: bumped.seq, at, duplicate: false, body };
  }

  /** The bytes a conversation and its site keep now, or undefined when the conversation is gone. */
  usage(conversationId: string): { conversation: number; site: number } | undefined {
    return this.#statements.usage.get(conversationId) as { conversation: number; site: number } | undefined;
  }

  /** Counts an attachment's bytes against its conversation and site (after it was stored). */
  addBlobBytes(conversationId: string, bytes: number): void {
    this.db.transaction(() => {
      const site = this.db.prepare('UPDATE conversations SET bytes = bytes + ? WHERE id = ? RETURNING site_id').pluck().get(bytes, conversationId) as string | undefined;
      if (site) this.#statements.addSiteBytes.run(bytes, site);
    })();
  }

  close(): void {
    this.db.close();
  }

  /** A random secret kept in the database, created on first use. */
  secret(name: string): Buffer {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(name) as { value: string } | undefined;
    if (row) return Buffer.from(row.value, 'base64');
    const value = randomBytes(32);
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(name, value.toString('base64'));
    return value;
  }

  // ---- sites and the key directory ----

  createSite(id: string, name: string): void {
    this.db.prepare('INSERT INTO sites (id, name, created_at) VALUES (?, ?, ?)').run(id, name, this.now());
  }

  site(id: string): Site | undefined {
    const row = this.db
      .prepare('SELECT id, name, org_key AS orgKey, directory, directory_sig AS sig, directory_version AS version, retention_default AS rd, retention_max AS rm FROM sites WHERE id = ?')
      .get(id) as { id: string; name: string; orgKey: string | null; directory: string | null; sig: string | null; version: number; rd: Retention; rm: Retention } | undefined;
    return (
      row && {
        id: row.id,
        name: row.name,
        orgKey: row.orgKey,
        directory: row.directory && row.sig ? { directory: row.directory, signature: row.sig } : null,
        directoryVersion: row.version,
        retention: { default: row.rd, max: row.rm },
      }
    );
  }

  /** The origins (`https://shop.example`) whose pages may use the site's chat; empty means any. */
  origins(site: string): string[] {
    return JSON.parse((this.db.prepare('SELECT origins FROM sites WHERE id = ?').pluck().get(site) as string | undefined) ?? '[]') as string[];
  }

  setOrigins(site: string, origins: string[]): void {
    this.db.prepare('UPDATE sites SET origins = ? WHERE id = ?').run(JSON.stringify(origins), site);
  }

  /** Whether the chat frame tells the site's pages a message's text (the business's choice; off by default). */
  shareText(site: string): boolean {
    return this.db.prepare('SELECT share_text FROM sites WHERE id = ?').pluck().get(site) === 1;
  }

  setShareText(site: string, on: boolean): void {
    this.db.prepare('UPDATE sites SET share_text = ? WHERE id = ?').run(on ? 1 : 0, site);
  }

  /** Sets the organisation key once. Returns false when a different key is already set. */
  setOrgKey(site: string, orgKey: string): boolean {
    return this.db.prepare('UPDATE sites SET org_key = ? WHERE id = ? AND (org_key IS NULL OR org_key = ?)').run(orgKey, site, orgKey).changes === 1;
  }

  /**
   * Stores a newly signed directory (already verified by the caller) and brings device statuses in
   * line with it: listed devices are approved, previously approved ones that are gone are revoked.
   * Returns the ids of the devices revoked by this change.
   */
  setDirectory(site: string, signed: SignedDirectory, version: number, deviceIds: string[]): string[] {
    return this.db.transaction(() => {
      this.db.prepare('UPDATE sites SET directory = ?, directory_sig = ?, directory_version = ? WHERE id = ?').run(signed.directory, signed.signature, version, site);
      const approved = this.db.prepare("SELECT id FROM devices WHERE site_id = ? AND agent_id IS NOT NULL AND status = 'approved'").pluck().all(site) as string[];
      const revoked = approved.filter((id) => !deviceIds.includes(id));
      const setStatus = this.db.prepare("UPDATE devices SET status = ? WHERE id = ? AND site_id = ? AND agent_id IS NOT NULL");
      for (const id of deviceIds) setStatus.run('approved', id, site);
      for (const id of revoked) {
        setStatus.run('revoked', id, site);
        this.db.prepare('DELETE FROM prekeys WHERE device_id = ?').run(id);
        this.db.prepare('DELETE FROM tokens WHERE device_id = ?').run(id);
      }
      return revoked;
    })();
  }

  // ---- agents ----

  async createAgent(agent: NewAgent): Promise<string> {
    const id = newId();
    const authSalt = randomBytes(16);
    const authHash = await scryptAsync(agent.authKey, authSalt, 32, SCRYPT);
    this.db
      .prepare('INSERT INTO agents (id, site_id, email, name, role, kdf_salt, kdf_iterations, auth_salt, auth_hash, key_backup, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, agent.site, agent.email.toLowerCase(), agent.name, agent.role, agent.salt, agent.iterations, authSalt, authHash, agent.keyBackup ? JSON.stringify(agent.keyBackup) : null, this.now());
    return id;
  }

  agentByEmail(email: string): AgentRecord | undefined {
    const row = this.db
      .prepare('SELECT id, site_id AS site, email, name, role, kdf_salt AS kdfSalt, kdf_iterations AS kdfIterations, key_backup AS keyBackup FROM agents WHERE email = ?')
      .get(email.toLowerCase()) as (Omit<AgentRecord, 'keyBackup'> & { keyBackup: string | null }) | undefined;
    return row && { ...row, keyBackup: row.keyBackup ? (JSON.parse(row.keyBackup) as KeyBackup) : null };
  }

  agent(id: string): AgentRecord | undefined {
    const email = this.db.prepare('SELECT email FROM agents WHERE id = ?').pluck().get(id) as string | undefined;
    return email ? this.agentByEmail(email) : undefined;
  }

  /** Checks an agent's auth key in constant time (and in constant work for unknown emails). */
  async verifyAgent(email: string, authKey: string): Promise<AgentRecord | undefined> {
    const row = this.db.prepare('SELECT auth_salt AS salt, auth_hash AS hash FROM agents WHERE email = ?').get(email.toLowerCase()) as { salt: Buffer; hash: Buffer } | undefined;
    const computed = await scryptAsync(authKey, row?.salt ?? Buffer.alloc(16), 32, SCRYPT);
    return row && timingSafeEqual(computed, row.hash) ? this.agentByEmail(email) : undefined;
  }

  setKeyBackup(agentId: string, backup: KeyBackup): void {
    this.db.prepare('UPDATE agents SET key_backup = ? WHERE id = ?').run(JSON.stringify(backup), agentId);
  }

  createInvite(site: string, email: string, name: string): string {
    const code = randomBytes(24).toString('base64url');
    this.db.prepare('INSERT INTO invites (hash, site_id, email, name, expires_at) VALUES (?, ?, ?, ?, ?)').run(hash(code), site, email.toLowerCase(), name, this.now() + INVITE_TTL_MS);
    return code;
  }

  /** Consumes an invite code; returns who it was for. */
  takeInvite(code: string): { site: string; email: string; name: string } | undefined {
    const row = this.db.prepare('DELETE FROM invites WHERE hash = ? RETURNING site_id AS site, email, name, expires_at AS expiresAt').get(hash(code)) as
      | { site: string; email: string; name: string; expiresAt: number }
      | undefined;
    return row && row.expiresAt > this.now() ? row : undefined;
  }

  // ---- devices and prekeys ----

  /** Registers (or refreshes) a device. Refuses a device id owned by someone else or revoked. */
  upsertDevice(site: string, agentId: string | null, name: string, keys: DeviceKeys): 'ok' | 'taken' | 'revoked' {
    const existing = this.db.prepare('SELECT site_id AS site, agent_id AS agentId, status FROM devices WHERE id = ?').get(keys.id) as
      | { site: string; agentId: string | null; status: DeviceStatus }
      | undefined;
    if (existing && (existing.site !== site || existing.agentId !== agentId)) return 'taken';
    if (existing?.status === 'revoked') return 'revoked';
    if (existing) this.db.prepare('UPDATE devices SET keys = ?, name = ? WHERE id = ?').run(JSON.stringify(keys), name, keys.id);
    else {
      this.db
        .prepare('INSERT INTO devices (id, site_id, agent_id, name, keys, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(keys.id, site, agentId, name, JSON.stringify(keys), agentId ? 'pending' : 'approved', this.now());
    }
    return 'ok';
  }

  addPrekeys(deviceId: string, prekeys: { id: number; publicKey: string }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO prekeys (device_id, id, public_key) VALUES (?, ?, ?)');
    this.db.transaction(() => prekeys.forEach((p) => insert.run(deviceId, p.id, p.publicKey)))();
  }

  prekeyCount(deviceId: string): number {
    return this.db.prepare('SELECT count(*) FROM prekeys WHERE device_id = ?').pluck().get(deviceId) as number;
  }

  devices(site: string): DeviceRecord[] {
    const rows = this.db
      .prepare(
        `SELECT d.keys, d.name, d.status, d.created_at AS createdAt, a.email AS agent FROM devices d JOIN agents a ON a.id = d.agent_id
         WHERE d.site_id = ? ORDER BY d.created_at`,
      )
      .all(site) as { keys: string; name: string; status: DeviceStatus; createdAt: number; agent: string }[];
    return rows.map(({ keys, ...rest }) => ({ ...(JSON.parse(keys) as DeviceKeys), ...rest }));
  }

  /** An approved agent device's bundle, taking one of its one-time prekeys if any is left. */
  takeBundle(site: string, deviceId: string): PrekeyBundleWire | undefined {
    return this.db.transaction(() => {
      const keys = this.db.prepare("SELECT keys FROM devices WHERE id = ? AND site_id = ? AND status = 'approved' AND agent_id IS NOT NULL").pluck().get(deviceId, site) as string | undefined;
      if (!keys) return undefined;
      const prekey = this.db
        .prepare('DELETE FROM prekeys WHERE device_id = ? AND id = (SELECT min(id) FROM prekeys WHERE device_id = ?) RETURNING id, public_key AS publicKey')
        .get(deviceId, deviceId) as { id: number; publicKey: string } | undefined;
      return { ...(JSON.parse(keys) as DeviceKeys), ...(prekey ? { oneTimePrekey: prekey } : {}) };
    })();
  }

  // ---- sessions ----

  issueToken(role: 'visitor' | 'agent', subject: string, deviceId: string | null = null): string {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = role === 'agent' ? this.now() + AGENT_TOKEN_TTL_MS : null;
    this.db.prepare('INSERT INTO tokens (hash, role, subject, device_id, expires_at) VALUES (?, ?, ?, ?, ?)').run(hash(token), role, subject, deviceId, expiresAt);
    return token;
  }

  bindTokenToDevice(token: string, deviceId: string): void {
    this.db.prepare('UPDATE tokens SET device_id = ? WHERE hash = ?').run(deviceId, hash(token));
  }

  principal(token: string): Principal | undefined {
    const row = this.db.prepare('SELECT role, subject, device_id AS deviceId, expires_at AS expiresAt FROM tokens WHERE hash = ?').get(hash(token)) as
      | { role: string; subject: string; deviceId: string | null; expiresAt: number | null }
      | undefined;
    if (!row || (row.expiresAt !== null && row.expiresAt < this.now())) return undefined;
    if (row.role === 'agent') {
      const site = this.db.prepare('SELECT site_id FROM agents WHERE id = ?').pluck().get(row.subject) as string | undefined;
      const status = row.deviceId ? (this.db.prepare('SELECT status FROM devices WHERE id = ?').pluck().get(row.deviceId) as DeviceStatus | undefined) : undefined;
      return site ? { role: 'agent', site, agentId: row.subject, deviceId: row.deviceId, approved: status === 'approved', expiresAt: row.expiresAt ?? Infinity } : undefined;
    }
    const conversation = this.conversation(row.subject);
    return conversation?.visitor ? { role: 'visitor', site: conversation.site, conversationId: conversation.id, deviceId: conversation.visitor.id } : undefined;
  }

  // ---- conversations and envelopes ----

  /** A conversation started by a web visitor (with its device), or on a messenger (`visitor` null). */
  createConversation(site: string, visitor: DeviceKeys | null, expiresAt: number): Conversation {
    const now = this.now();
    const id = newId();
    this.db.transaction(() => {
      if (visitor && this.db.prepare('SELECT 1 FROM devices WHERE id = ?').get(visitor.id)) throw new DeviceTakenError();
      if (visitor) this.upsertDevice(site, null, 'visitor', visitor);
      this.db.prepare('INSERT INTO conversations (id, site_id, visitor_device, created_at, expires_at, last_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, site, visitor?.id ?? null, now, expiresAt, now);
    })();
    return this.conversation(id)!;
  }

  /** Records how far one side has read (never backwards); returns the new value. */
  markRead(conversationId: string, role: 'visitor' | 'agent', seq: number): number {
    const column = role === 'visitor' ? 'visitor_read' : 'agent_read';
    return this.db.prepare(`UPDATE conversations SET ${column} = max(${column}, min(?, last_seq)) WHERE id = ? RETURNING ${column} AS seq`).pluck().get(seq, conversationId) as number;
  }

  readState(conversationId: string): { visitor: number; agent: number } {
    return this.db.prepare('SELECT visitor_read AS visitor, agent_read AS agent FROM conversations WHERE id = ?').get(conversationId) as { visitor: number; agent: number };
  }

  /** Shows `from` as part of `into`; messages that come in for `from`'s messenger identities go to `into`. */
  merge(from: string, into: string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE conversations SET merged_into = ? WHERE id = ? OR merged_into = ?').run(into, from, from);
      this.db.prepare('UPDATE channel_links SET conversation_id = ? WHERE conversation_id = ?').run(into, from);
    })();
  }

  // ---- messengers ----

  setChannels(site: string, channels: SiteChannels): void {
    this.db.prepare('UPDATE sites SET channels = ? WHERE id = ?').run(JSON.stringify(channels), site);
  }

  channels(site: string): SiteChannels {
    return JSON.parse((this.db.prepare('SELECT channels FROM sites WHERE id = ?').pluck().get(site) as string | undefined) ?? '{}') as SiteChannels;
  }

  /** The site whose messenger account (phone number id, page id, Instagram account id) this is. */
  siteForAccount(channel: Channel, account: string): string | undefined {
    const rows = this.db.prepare('SELECT id, channels FROM sites').all() as { id: string; channels: string }[];
    return rows.find((row) => (JSON.parse(row.channels) as SiteChannels)[channel]?.account === account)?.id;
  }

  createHandoff(conversationId: string, channel: Channel, ref: string, expiresAt: number): void {
    this.db.prepare('INSERT INTO handoffs (channel, ref, conversation_id, expires_at) VALUES (?, ?, ?, ?)').run(channel, ref, conversationId, expiresAt);
  }

  /** Consumes a handoff reference of `site` (single use); undefined when unknown, used, expired or another site's. */
  takeHandoff(site: string, channel: Channel, ref: string): string | undefined {
    const row = this.db
      .prepare(
        `DELETE FROM handoffs WHERE channel = ? AND ref = ? AND conversation_id IN (SELECT id FROM conversations WHERE site_id = ?)
         RETURNING conversation_id AS id, expires_at AS expiresAt`,
      )
      .get(channel, ref, site) as { id: string; expiresAt: number } | undefined;
    return row && row.expiresAt > this.now() ? row.id : undefined;
  }

  /** The conversation a customer's messenger identity is linked to, at this site (identities repeat across businesses). */
  linkedConversation(site: string, channel: Channel, identity: string): string | undefined {
    return this.db.prepare('SELECT conversation_id FROM channel_links WHERE site_id = ? AND channel = ? AND identity = ?').pluck().get(site, channel, identity) as string | undefined;
  }

  link(channel: Channel, identity: string, site: string, label: string, conversationId: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO channel_links (channel, identity, site_id, label, conversation_id, last_inbound_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (site_id, channel, identity) DO UPDATE SET conversation_id = excluded.conversation_id, label = excluded.label, last_inbound_at = excluded.last_inbound_at`,
      )
      .run(channel, identity, site, label, conversationId, at);
  }

  /** The customer's identity on a messenger for this conversation, with the last time they wrote. */
  channelIdentity(conversationId: string, channel: Channel): { identity: string; lastInboundAt: number } | undefined {
    return this.db
      .prepare('SELECT identity, last_inbound_at AS lastInboundAt FROM channel_links WHERE conversation_id = ? AND channel = ? ORDER BY last_inbound_at DESC LIMIT 1')
      .get(conversationId, channel) as { identity: string; lastInboundAt: number } | undefined;
  }

  /** Whether a platform message id (wamid, mid) was stored before: deliveries are at least once. */
  seen(platformId: string): boolean {
    return this.db.prepare('SELECT 1 FROM channel_seen WHERE id = ?').get(platformId) !== undefined;
  }

  /** Stores a messenger message and records its platform id in one transaction (a retry after a failure is not lost). */
  appendOnce(envelope: Envelope, platformId: string): { seq: number; at: number; duplicate: boolean } {
    return this.db.transaction(() => {
      const seen = this.db.prepare('INSERT OR IGNORE INTO channel_seen (id, at, conversation_id) VALUES (?, ?, ?)').run(platformId, this.now(), envelope.conversationId);
      if (seen.changes === 0) return { seq: 0, at: 0, duplicate: true };
      return this.append(envelope);
    })();
  }

  conversation(id: string): Conversation | undefined {
    const row = this.#statements.conversation.get(id) as
      | (Omit<Conversation, 'visitor' | 'channel' | 'status'> & { visitor: string | null; channel: Channel | null; label: string | null; lastInboundAt: number | null } & StatusRow)
      | undefined;
    if (!row) return undefined;
    const { channel, label, lastInboundAt, visitor, state, statusSeq, snoozedUntil, ...rest } = row;
    return {
      ...rest,
      visitor: visitor ? (JSON.parse(visitor) as DeviceKeys) : null,
      channel: channel ? { name: channel, label: label!, lastInboundAt: lastInboundAt! } : null,
      status: state ? { state, seq: statusSeq!, until: snoozedUntil } : null,
    };
  }

  /** Gives the conversation to an agent of its site (checked by the caller), or to nobody. */
  assign(id: string, agentId: string | null): void {
    this.db.prepare('UPDATE conversations SET assignee = ? WHERE id = ?').run(agentId, id);
  }

  /** The site's agents, for assigning conversations. */
  team(site: string): TeamMember[] {
    return this.db.prepare('SELECT id, name, email, role FROM agents WHERE site_id = ? ORDER BY name, email').all(site) as TeamMember[];
  }

  /** An agent closes, snoozes (until a time) or reopens a conversation; a later message reopens it by itself. */
  setStatus(id: string, status: { state: 'closed' | 'snoozed'; until: number | null } | null): void {
    this.db.prepare('UPDATE conversations SET status = ?, status_seq = last_seq, snoozed_until = ? WHERE id = ?').run(status?.state ?? null, status?.until ?? null, id);
  }

  conversations(site: string, limit = 500): ConversationSummary[] {
    const ids = this.db.prepare('SELECT id FROM conversations WHERE site_id = ? AND expires_at > ? ORDER BY last_at DESC LIMIT ?').pluck().all(site, this.now(), limit) as string[];
    return ids.map((id) => {
      const { site: _, ...summary } = this.conversation(id)!;
      return summary;
    });
  }

  /**
   * Stores an envelope under the conversation's next sequence number, in one transaction.
   * A resend of a stored client id returns the original sequence number (`duplicate: true`).
   */
  append(envelope: Envelope): Appended {
    return this.#appendTransaction(envelope);
  }

  /**
   * Stores many envelopes in one transaction — one disk sync for all — in the order given, each as
   * `append` would (a client id repeated within the batch is a duplicate of its first). An envelope
   * whose conversation is gone comes back as a GoneError, the others are stored. Any other failure
   * throws with nothing stored: nothing is committed until this returns.
   */
  appendBatch(envelopes: Envelope[]): (Appended | Error)[] {
    return this.#batchTransaction(envelopes);
  }

  /** The little the socket needs to route and check a frame: the conversation's site and expiry. */
  route(conversationId: string): { site: string; expiresAt: number } | undefined {
    return this.#statements.route.get(conversationId) as { site: string; expiresAt: number } | undefined;
  }

  /** The envelopes after `seq` as stored (JSON text), for forwarding without parsing them again. */
  storedSince(conversationId: string, seq: number, limit = 500): { body: string; seq: number; at: number }[] {
    return this.#statements.since.all(conversationId, seq, limit) as { body: string; seq: number; at: number }[];
  }

  since(conversationId: string, seq: number, limit = 500): StoredEnvelope[] {
    const rows = this.storedSince(conversationId, seq, limit);
    return rows.map((row) => ({ ...(JSON.parse(row.body) as Envelope), seq: row.seq, at: row.at }));
  }

  /**
   * Deletes conversations whose expiry has passed with every row that refers to them — envelopes,
   * read positions, handoff references, messenger links and platform message ids, the visitor's
   * device and tokens — and expired agent sessions, invitations and handoff references.
   * (sweeper.test.ts searches every table for what is left.)
   */
  deleteExpired(now = this.now()): { id: string; site: string }[] {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
      this.db.prepare('DELETE FROM invites WHERE expires_at <= ?').run(now);
      this.db.prepare('DELETE FROM handoffs WHERE expires_at <= ?').run(now);
      // Platform ids recorded before they named their conversation: kept only as long as Meta retries a delivery.
      this.db.prepare('DELETE FROM channel_seen WHERE conversation_id IS NULL AND at <= ?').run(now - SEEN_TTL_MS);
      const expired = this.db.prepare('SELECT id, site_id AS site, visitor_device AS device, bytes FROM conversations WHERE expires_at <= ?').all(now) as { id: string; site: string; device: string | null; bytes: number }[];
      for (const { id, site, device, bytes } of expired) {
        this.#statements.addSiteBytes.run(-bytes, site);
        for (const table of ['envelopes', 'handoffs', 'channel_links', 'channel_seen']) this.db.prepare(`DELETE FROM ${table} WHERE conversation_id = ?`).run(id);
        this.db.prepare('DELETE FROM tokens WHERE subject = ?').run(id);
        this.db.prepare('UPDATE conversations SET merged_into = NULL WHERE merged_into = ?').run(id);
        this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id);
        if (device) {
          this.db.prepare('DELETE FROM tokens WHERE device_id = ? AND role = ?').run(device, 'visitor');
          this.db.prepare('DELETE FROM devices WHERE id = ? AND agent_id IS NULL').run(device);
        }
      }
      return expired.map(({ id, site }) => ({ id, site }));
    })();
  }
}
