/**
 * The relay's embedded storage: one SQLite file (WAL) in the data directory, and attachment blobs
 * beside it. It holds sites and their signed key directories, agents, devices and their public
 * prekeys, session-token hashes, and envelopes — ciphertext with routing metadata, never message text.
 *
 * better-sqlite3 is synchronous: each method does its work at once and returns a settled promise,
 * so the message path pays no more than before the interface became asynchronous.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import type {
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
import { authKeyMatches, hashAuthKey } from '../../auth/passwords.ts';
import { newId, newInviteCode, newToken, secretHash } from '../../auth/tokens.ts';
import { DEFAULT_QUOTAS, overQuota, QuotaError, type Quotas } from '../../quotas.ts';
import { FileBlobStore, type BlobStore } from '../blobs.ts';
import { migrate } from '../migrate.ts';
import type { Storage } from '../storage.ts';
import {
  AGENT_TOKEN_TTL_MS,
  DeviceTakenError,
  GoneError,
  INVITE_TTL_MS,
  OrgKeyTakenError,
  SEEN_TTL_MS,
  type AgentRecord,
  type Appended,
  type Conversation,
  type NewAgent,
  type Principal,
  type Site,
  type SiteChannels,
  type StoredText,
  type Usage,
} from '../types.ts';
import { sqliteMigrations } from './migrations.ts';

export const SQLITE_FILE = 'threadline.sqlite';

type StatusRow = { state: 'closed' | 'snoozed' | null; statusSeq: number | null; snoozedUntil: number | null };
type ConversationRow = Omit<Conversation, 'visitor' | 'channel' | 'status'> & { visitor: string | null; channel: Channel | null; label: string | null; lastInboundAt: number | null } & StatusRow;

/** Opens (creating and migrating as needed) the SQLite storage in `dataDir`. */
export async function openSqliteStorage(dataDir: string, now: () => number = Date.now, quotas: Quotas = DEFAULT_QUOTAS): Promise<SqliteStorage> {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, SQLITE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    // The relay acknowledges an envelope only after `append`'s transaction has committed, and an
    // ack means "stored": the client then drops it from its outbox. In WAL mode, NORMAL syncs the
    // log only at checkpoints, so a power cut can roll back the last committed transactions — acked
    // messages that no one still holds. FULL fsyncs the log on every commit, at the cost of one fsync per
    // transaction: the price of "acknowledged = stored".
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: db }) });
    await migrate(kysely, sqliteMigrations(db), `SQLite database in ${dataDir}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStorage(db, new FileBlobStore(dataDir), now, quotas);
}

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #statements;
  readonly #appendTransaction;
  readonly #batchTransaction;

  constructor(
    db: Database.Database,
    readonly blobs: BlobStore,
    readonly now: () => number = Date.now,
    readonly quotas: Quotas = DEFAULT_QUOTAS,
  ) {
    this.#db = db;
    this.#statements = {
      insertEnvelope: db.prepare('INSERT INTO envelopes (conversation_id, seq, id, body, at) VALUES (?, ?, ?, ?, ?)'),
      bump: db.prepare('UPDATE conversations SET last_seq = last_seq + 1, last_at = ?, bytes = bytes + ? WHERE id = ? RETURNING last_seq AS seq, site_id AS site'),
      keepStatus: db.prepare('UPDATE conversations SET status_seq = ? WHERE id = ? AND status IS NOT NULL AND status_seq = ?'),
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

  /** SQLite's durability settings on this connection, for the relay's own tests. */
  durability(): { journalMode: string; synchronous: number } {
    return { journalMode: this.#db.pragma('journal_mode', { simple: true }) as string, synchronous: this.#db.pragma('synchronous', { simple: true }) as number };
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
    const used = s.usage.get(envelope.conversationId) as Usage | undefined;
    if (!used) return undefined;
    const over = overQuota(this.quotas, used, body.length);
    if (over) return new QuotaError(over);
    const at = this.now();
    const bumped = s.bump.get(at, body.length, envelope.conversationId) as { seq: number; site: string };
    s.addSiteBytes.run(body.length, bumped.site);
    s.insertEnvelope.run(envelope.conversationId, bumped.seq, envelope.id, body, at);
    if (envelope.audience === 'agents') s.keepStatus.run(bumped.seq, envelope.conversationId, bumped.seq - 1);
    return { seq: bumped.seq, at, duplicate: false, body };
  }

  get open(): boolean {
    return this.#db.open;
  }

  /** Held locks: one relay owns a SQLite file, so a lock is this process's. */
  readonly #locks = new Set<string>();

  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.#locks.has(name)) return undefined;
    this.#locks.add(name);
    try {
      return await work();
    } finally {
      this.#locks.delete(name);
    }
  }

  async ready(): Promise<boolean> {
    return this.#db.open;
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async holding(values: (string | Buffer)[]): Promise<string[]> {
    const db = this.#db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'").pluck().all() as string[];
    const found: string[] = [];
    for (const table of tables) {
      for (const { name } of db.pragma(`table_info(${table})`) as { name: string }[]) {
        for (const value of values) {
          // Compared as hex, which covers text, numbers and blobs (token hashes) alike.
          const hex = Buffer.from(value).toString('hex').toUpperCase();
          const hits = db.prepare(`SELECT count(*) FROM "${table}" WHERE instr(hex("${name}"), ?) > 0`).pluck().get(hex) as number;
          if (hits) found.push(`${table}.${name} holds ${String(value)}`);
        }
      }
    }
    return found;
  }

  async rowCounts(): Promise<Record<string, number>> {
    const tables = this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'").pluck().all() as string[];
    return Object.fromEntries(tables.map((table) => [table, this.#db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number]));
  }

  async secret(name: string): Promise<Buffer> {
    const row = this.#db.prepare('SELECT value FROM meta WHERE key = ?').get(name) as { value: string } | undefined;
    if (row) return Buffer.from(row.value, 'base64');
    const value = randomBytes(32);
    this.#db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(name, value.toString('base64'));
    return value;
  }

  // ---- sites and the key directory ----

  async createSite(id: string, name: string): Promise<void> {
    this.#db.prepare('INSERT INTO sites (id, name, created_at) VALUES (?, ?, ?)').run(id, name, this.now());
  }

  async site(id: string): Promise<Site | undefined> {
    const row = this.#db
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

  async origins(site: string): Promise<string[]> {
    return JSON.parse((this.#db.prepare('SELECT origins FROM sites WHERE id = ?').pluck().get(site) as string | undefined) ?? '[]') as string[];
  }

  async setOrigins(site: string, origins: string[]): Promise<void> {
    this.#db.prepare('UPDATE sites SET origins = ? WHERE id = ?').run(JSON.stringify(origins), site);
  }

  async savedReplies(site: string): Promise<{ version: number; sealed: string | null }> {
    return (this.#db.prepare('SELECT saved_replies_version AS version, saved_replies AS sealed FROM sites WHERE id = ?').get(site) as { version: number; sealed: string | null } | undefined) ?? { version: 0, sealed: null };
  }

  async setSavedReplies(site: string, replaces: number, sealed: string): Promise<number | undefined> {
    const stored = this.#db.prepare('UPDATE sites SET saved_replies = ?, saved_replies_version = saved_replies_version + 1 WHERE id = ? AND saved_replies_version = ? RETURNING saved_replies_version').pluck().get(sealed, site, replaces);
    return stored as number | undefined;
  }

  async shareText(site: string): Promise<boolean> {
    return this.#db.prepare('SELECT share_text FROM sites WHERE id = ?').pluck().get(site) === 1;
  }

  async setShareText(site: string, on: boolean): Promise<void> {
    this.#db.prepare('UPDATE sites SET share_text = ? WHERE id = ?').run(on ? 1 : 0, site);
  }

  #setOrgKey(site: string, orgKey: string): boolean {
    return this.#db.prepare('UPDATE sites SET org_key = ? WHERE id = ? AND (org_key IS NULL OR org_key = ?)').run(orgKey, site, orgKey).changes === 1;
  }

  async setOrgKey(site: string, orgKey: string): Promise<boolean> {
    return this.#setOrgKey(site, orgKey);
  }

  #setDirectory(site: string, signed: SignedDirectory, version: number, deviceIds: string[]): string[] {
    const db = this.#db;
    db.prepare('UPDATE sites SET directory = ?, directory_sig = ?, directory_version = ? WHERE id = ?').run(signed.directory, signed.signature, version, site);
    const approved = db.prepare("SELECT id FROM devices WHERE site_id = ? AND agent_id IS NOT NULL AND status = 'approved'").pluck().all(site) as string[];
    const revoked = approved.filter((id) => !deviceIds.includes(id));
    const setStatus = db.prepare('UPDATE devices SET status = ? WHERE id = ? AND site_id = ? AND agent_id IS NOT NULL');
    for (const id of deviceIds) setStatus.run('approved', id, site);
    for (const id of revoked) {
      setStatus.run('revoked', id, site);
      db.prepare('DELETE FROM prekeys WHERE device_id = ?').run(id);
      db.prepare('DELETE FROM tokens WHERE device_id = ?').run(id);
    }
    return revoked;
  }

  async setDirectory(site: string, signed: SignedDirectory, version: number, deviceIds: string[]): Promise<string[]> {
    return this.#db.transaction(() => this.#setDirectory(site, signed, version, deviceIds))();
  }

  async setUpOrganisation(site: string, agentId: string, backup: KeyBackup, signed: SignedDirectory, version: number, deviceIds: string[]): Promise<string[]> {
    return this.#db.transaction(() => {
      if (!this.#setOrgKey(site, backup.orgKey.publicKey)) throw new OrgKeyTakenError();
      this.#db.prepare('UPDATE agents SET key_backup = ? WHERE id = ?').run(JSON.stringify(backup), agentId);
      return this.#setDirectory(site, signed, version, deviceIds);
    })();
  }

  // ---- agents ----

  async createAgent(agent: NewAgent): Promise<string> {
    const id = newId();
    const { salt, hash } = await hashAuthKey(agent.authKey);
    this.#db
      .prepare('INSERT INTO agents (id, site_id, email, name, role, kdf_salt, kdf_iterations, auth_salt, auth_hash, key_backup, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, agent.site, agent.email.toLowerCase(), agent.name, agent.role, agent.salt, agent.iterations, salt, hash, agent.keyBackup ? JSON.stringify(agent.keyBackup) : null, this.now());
    return id;
  }

  #agentByEmail(email: string): AgentRecord | undefined {
    const row = this.#db
      .prepare('SELECT id, site_id AS site, email, name, role, kdf_salt AS kdfSalt, kdf_iterations AS kdfIterations, key_backup AS keyBackup FROM agents WHERE email = ?')
      .get(email.toLowerCase()) as (Omit<AgentRecord, 'keyBackup'> & { keyBackup: string | null }) | undefined;
    return row && { ...row, keyBackup: row.keyBackup ? (JSON.parse(row.keyBackup) as KeyBackup) : null };
  }

  async agentByEmail(email: string): Promise<AgentRecord | undefined> {
    return this.#agentByEmail(email);
  }

  async agent(id: string): Promise<AgentRecord | undefined> {
    const email = this.#db.prepare('SELECT email FROM agents WHERE id = ?').pluck().get(id) as string | undefined;
    return email ? this.#agentByEmail(email) : undefined;
  }

  async verifyAgent(email: string, authKey: string): Promise<AgentRecord | undefined> {
    const row = this.#db.prepare('SELECT auth_salt AS salt, auth_hash AS hash FROM agents WHERE email = ?').get(email.toLowerCase()) as { salt: Buffer; hash: Buffer } | undefined;
    return (await authKeyMatches(authKey, row)) ? this.#agentByEmail(email) : undefined;
  }

  async setKeyBackup(agentId: string, backup: KeyBackup): Promise<void> {
    this.#db.prepare('UPDATE agents SET key_backup = ? WHERE id = ?').run(JSON.stringify(backup), agentId);
  }

  async team(site: string): Promise<TeamMember[]> {
    return this.#db.prepare('SELECT id, name, email, role FROM agents WHERE site_id = ? ORDER BY name, email').all(site) as TeamMember[];
  }

  async createInvite(site: string, email: string, name: string): Promise<string> {
    const code = newInviteCode();
    this.#db.prepare('INSERT INTO invites (hash, site_id, email, name, expires_at) VALUES (?, ?, ?, ?, ?)').run(secretHash(code), site, email.toLowerCase(), name, this.now() + INVITE_TTL_MS);
    return code;
  }

  async takeInvite(code: string): Promise<{ site: string; email: string; name: string } | undefined> {
    const row = this.#db.prepare('DELETE FROM invites WHERE hash = ? RETURNING site_id AS site, email, name, expires_at AS expiresAt').get(secretHash(code)) as
      | { site: string; email: string; name: string; expiresAt: number }
      | undefined;
    return row && row.expiresAt > this.now() ? { site: row.site, email: row.email, name: row.name } : undefined;
  }

  // ---- devices and prekeys ----

  #upsertDevice(site: string, agentId: string | null, name: string, keys: DeviceKeys): 'ok' | 'taken' | 'revoked' {
    const existing = this.#db.prepare('SELECT site_id AS site, agent_id AS agentId, status FROM devices WHERE id = ?').get(keys.id) as
      | { site: string; agentId: string | null; status: DeviceStatus }
      | undefined;
    if (existing && (existing.site !== site || existing.agentId !== agentId)) return 'taken';
    if (existing?.status === 'revoked') return 'revoked';
    if (existing) this.#db.prepare('UPDATE devices SET keys = ?, name = ? WHERE id = ?').run(JSON.stringify(keys), name, keys.id);
    else {
      this.#db
        .prepare('INSERT INTO devices (id, site_id, agent_id, name, keys, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(keys.id, site, agentId, name, JSON.stringify(keys), agentId ? 'pending' : 'approved', this.now());
    }
    return 'ok';
  }

  async upsertDevice(site: string, agentId: string | null, name: string, keys: DeviceKeys): Promise<'ok' | 'taken' | 'revoked'> {
    return this.#upsertDevice(site, agentId, name, keys);
  }

  async addPrekeys(deviceId: string, prekeys: { id: number; publicKey: string }[]): Promise<void> {
    const insert = this.#db.prepare('INSERT OR IGNORE INTO prekeys (device_id, id, public_key) VALUES (?, ?, ?)');
    this.#db.transaction(() => prekeys.forEach((p) => insert.run(deviceId, p.id, p.publicKey)))();
  }

  async prekeyCount(deviceId: string): Promise<number> {
    return this.#db.prepare('SELECT count(*) FROM prekeys WHERE device_id = ?').pluck().get(deviceId) as number;
  }

  async devices(site: string): Promise<DeviceRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT d.keys, d.name, d.status, d.created_at AS createdAt, a.email AS agent FROM devices d JOIN agents a ON a.id = d.agent_id
         WHERE d.site_id = ? ORDER BY d.created_at`,
      )
      .all(site) as { keys: string; name: string; status: DeviceStatus; createdAt: number; agent: string }[];
    return rows.map(({ keys, ...rest }) => ({ ...(JSON.parse(keys) as DeviceKeys), ...rest }));
  }

  async takeBundle(site: string, deviceId: string): Promise<PrekeyBundleWire | undefined> {
    return this.#db.transaction(() => {
      const keys = this.#db.prepare("SELECT keys FROM devices WHERE id = ? AND site_id = ? AND status = 'approved' AND agent_id IS NOT NULL").pluck().get(deviceId, site) as string | undefined;
      if (!keys) return undefined;
      const prekey = this.#db
        .prepare('DELETE FROM prekeys WHERE device_id = ? AND id = (SELECT min(id) FROM prekeys WHERE device_id = ?) RETURNING id, public_key AS publicKey')
        .get(deviceId, deviceId) as { id: number; publicKey: string } | undefined;
      return { ...(JSON.parse(keys) as DeviceKeys), ...(prekey ? { oneTimePrekey: prekey } : {}) };
    })();
  }

  // ---- sessions ----

  async issueToken(role: 'visitor' | 'agent', subject: string, deviceId: string | null = null): Promise<string> {
    const token = newToken();
    const expiresAt = role === 'agent' ? this.now() + AGENT_TOKEN_TTL_MS : null;
    this.#db.prepare('INSERT INTO tokens (hash, role, subject, device_id, expires_at) VALUES (?, ?, ?, ?, ?)').run(secretHash(token), role, subject, deviceId, expiresAt);
    return token;
  }

  async bindTokenToDevice(token: string, deviceId: string): Promise<void> {
    this.#db.prepare('UPDATE tokens SET device_id = ? WHERE hash = ?').run(deviceId, secretHash(token));
  }

  async principal(token: string): Promise<Principal | undefined> {
    const row = this.#db.prepare('SELECT role, subject, device_id AS deviceId, expires_at AS expiresAt FROM tokens WHERE hash = ?').get(secretHash(token)) as
      | { role: string; subject: string; deviceId: string | null; expiresAt: number | null }
      | undefined;
    if (!row || (row.expiresAt !== null && row.expiresAt < this.now())) return undefined;
    if (row.role === 'agent') {
      const site = this.#db.prepare('SELECT site_id FROM agents WHERE id = ?').pluck().get(row.subject) as string | undefined;
      const status = row.deviceId ? (this.#db.prepare('SELECT status FROM devices WHERE id = ?').pluck().get(row.deviceId) as DeviceStatus | undefined) : undefined;
      return site ? { role: 'agent', site, agentId: row.subject, deviceId: row.deviceId, approved: status === 'approved', expiresAt: row.expiresAt ?? Infinity } : undefined;
    }
    const conversation = this.#conversation(row.subject);
    return conversation?.visitor ? { role: 'visitor', site: conversation.site, conversationId: conversation.id, deviceId: conversation.visitor.id } : undefined;
  }

  // ---- conversations and envelopes ----

  async createConversation(site: string, visitor: DeviceKeys | null, expiresAt: number): Promise<Conversation> {
    const now = this.now();
    const id = newId();
    this.#db.transaction(() => {
      if (visitor && this.#db.prepare('SELECT 1 FROM devices WHERE id = ?').get(visitor.id)) throw new DeviceTakenError();
      if (visitor) this.#upsertDevice(site, null, 'visitor', visitor);
      this.#db.prepare('INSERT INTO conversations (id, site_id, visitor_device, created_at, expires_at, last_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, site, visitor?.id ?? null, now, expiresAt, now);
    })();
    return this.#conversation(id)!;
  }

  async markRead(conversationId: string, role: 'visitor' | 'agent', seq: number): Promise<number> {
    const column = role === 'visitor' ? 'visitor_read' : 'agent_read';
    return this.#db.prepare(`UPDATE conversations SET ${column} = max(${column}, min(?, last_seq)) WHERE id = ? RETURNING ${column} AS seq`).pluck().get(seq, conversationId) as number;
  }

  async readState(conversationId: string): Promise<{ visitor: number; agent: number }> {
    return this.#db.prepare('SELECT visitor_read AS visitor, agent_read AS agent FROM conversations WHERE id = ?').get(conversationId) as { visitor: number; agent: number };
  }

  async merge(from: string, into: string): Promise<void> {
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE conversations SET merged_into = ? WHERE id = ? OR merged_into = ?').run(into, from, from);
      this.#db.prepare('UPDATE channel_links SET conversation_id = ? WHERE conversation_id = ?').run(into, from);
    })();
  }

  #conversation(id: string): Conversation | undefined {
    const row = this.#statements.conversation.get(id) as ConversationRow | undefined;
    if (!row) return undefined;
    const { channel, label, lastInboundAt, visitor, state, statusSeq, snoozedUntil, ...rest } = row;
    return {
      ...rest,
      visitor: visitor ? (JSON.parse(visitor) as DeviceKeys) : null,
      channel: channel ? { name: channel, label: label!, lastInboundAt: lastInboundAt! } : null,
      status: state ? { state, seq: statusSeq!, until: snoozedUntil } : null,
    };
  }

  async conversation(id: string): Promise<Conversation | undefined> {
    return this.#conversation(id);
  }

  async assign(id: string, agentId: string | null): Promise<void> {
    this.#db.prepare('UPDATE conversations SET assignee = ? WHERE id = ?').run(agentId, id);
  }

  async setStatus(id: string, status: { state: 'closed' | 'snoozed'; until: number | null } | null): Promise<void> {
    this.#db.prepare('UPDATE conversations SET status = ?, status_seq = last_seq, snoozed_until = ? WHERE id = ?').run(status?.state ?? null, status?.until ?? null, id);
  }

  async conversations(site: string, limit = 500): Promise<ConversationSummary[]> {
    const ids = this.#db.prepare('SELECT id FROM conversations WHERE site_id = ? AND expires_at > ? ORDER BY last_at DESC LIMIT ?').pluck().all(site, this.now(), limit) as string[];
    return ids.map((id) => {
      const { site: _, ...summary } = this.#conversation(id)!;
      return summary;
    });
  }

  async append(envelope: Envelope): Promise<Appended> {
    return this.#appendTransaction(envelope);
  }

  async appendBatch(envelopes: Envelope[]): Promise<(Appended | Error)[]> {
    return this.#batchTransaction(envelopes);
  }

  async route(conversationId: string): Promise<{ site: string; expiresAt: number } | undefined> {
    return this.#statements.route.get(conversationId) as { site: string; expiresAt: number } | undefined;
  }

  #storedSince(conversationId: string, seq: number, limit: number): StoredText[] {
    return this.#statements.since.all(conversationId, seq, limit) as StoredText[];
  }

  async storedSince(conversationId: string, seq: number, limit = 500): Promise<StoredText[]> {
    return this.#storedSince(conversationId, seq, limit);
  }

  async since(conversationId: string, seq: number, limit = 500): Promise<StoredEnvelope[]> {
    return this.#storedSince(conversationId, seq, limit).map((row) => ({ ...(JSON.parse(row.body) as Envelope), seq: row.seq, at: row.at }));
  }

  async usage(conversationId: string): Promise<Usage | undefined> {
    return this.#statements.usage.get(conversationId) as Usage | undefined;
  }

  async addBlobBytes(conversationId: string, bytes: number): Promise<void> {
    this.#db.transaction(() => {
      const site = this.#db.prepare('UPDATE conversations SET bytes = bytes + ? WHERE id = ? RETURNING site_id').pluck().get(bytes, conversationId) as string | undefined;
      if (site) this.#statements.addSiteBytes.run(bytes, site);
    })();
  }

  async deleteExpired(now = this.now()): Promise<{ id: string; site: string }[]> {
    const db = this.#db;
    return db.transaction(() => {
      db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
      db.prepare('DELETE FROM invites WHERE expires_at <= ?').run(now);
      db.prepare('DELETE FROM handoffs WHERE expires_at <= ?').run(now);
      // Platform ids recorded before they named their conversation: kept only as long as Meta retries a delivery.
      db.prepare('DELETE FROM channel_seen WHERE conversation_id IS NULL AND at <= ?').run(now - SEEN_TTL_MS);
      const expired = db.prepare('SELECT id, site_id AS site, visitor_device AS device, bytes FROM conversations WHERE expires_at <= ?').all(now) as { id: string; site: string; device: string | null; bytes: number }[];
      for (const { id, site, device, bytes } of expired) {
        this.#statements.addSiteBytes.run(-bytes, site);
        for (const table of ['envelopes', 'handoffs', 'channel_links', 'channel_seen']) db.prepare(`DELETE FROM ${table} WHERE conversation_id = ?`).run(id);
        db.prepare('DELETE FROM tokens WHERE subject = ?').run(id);
        db.prepare('UPDATE conversations SET merged_into = NULL WHERE merged_into = ?').run(id);
        db.prepare('DELETE FROM conversations WHERE id = ?').run(id);
        if (device) {
          db.prepare('DELETE FROM tokens WHERE device_id = ? AND role = ?').run(device, 'visitor');
          db.prepare('DELETE FROM devices WHERE id = ? AND agent_id IS NULL').run(device);
        }
      }
      return expired.map(({ id, site }) => ({ id, site }));
    })();
  }

  // ---- messengers ----

  async setChannels(site: string, channels: SiteChannels): Promise<void> {
    this.#db.prepare('UPDATE sites SET channels = ? WHERE id = ?').run(JSON.stringify(channels), site);
  }

  async channels(site: string): Promise<SiteChannels> {
    return JSON.parse((this.#db.prepare('SELECT channels FROM sites WHERE id = ?').pluck().get(site) as string | undefined) ?? '{}') as SiteChannels;
  }

  async siteForAccount(channel: Channel, account: string): Promise<string | undefined> {
    const rows = this.#db.prepare('SELECT id, channels FROM sites').all() as { id: string; channels: string }[];
    return rows.find((row) => (JSON.parse(row.channels) as SiteChannels)[channel]?.account === account)?.id;
  }

  async createHandoff(conversationId: string, channel: Channel, ref: string, expiresAt: number): Promise<void> {
    this.#db.prepare('INSERT INTO handoffs (channel, ref, conversation_id, expires_at) VALUES (?, ?, ?, ?)').run(channel, ref, conversationId, expiresAt);
  }

  async takeHandoff(site: string, channel: Channel, ref: string): Promise<string | undefined> {
    const row = this.#db
      .prepare(
        `DELETE FROM handoffs WHERE channel = ? AND ref = ? AND conversation_id IN (SELECT id FROM conversations WHERE site_id = ?)
         RETURNING conversation_id AS id, expires_at AS expiresAt`,
      )
      .get(channel, ref, site) as { id: string; expiresAt: number } | undefined;
    return row && row.expiresAt > this.now() ? row.id : undefined;
  }

  async linkedConversation(site: string, channel: Channel, identity: string): Promise<string | undefined> {
    return this.#db.prepare('SELECT conversation_id FROM channel_links WHERE site_id = ? AND channel = ? AND identity = ?').pluck().get(site, channel, identity) as string | undefined;
  }

  async link(channel: Channel, identity: string, site: string, label: string, conversationId: string, at: number): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO channel_links (channel, identity, site_id, label, conversation_id, last_inbound_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (site_id, channel, identity) DO UPDATE SET conversation_id = excluded.conversation_id, label = excluded.label, last_inbound_at = excluded.last_inbound_at`,
      )
      .run(channel, identity, site, label, conversationId, at);
  }

  async channelIdentity(conversationId: string, channel: Channel): Promise<{ identity: string; lastInboundAt: number } | undefined> {
    return this.#db
      .prepare('SELECT identity, last_inbound_at AS lastInboundAt FROM channel_links WHERE conversation_id = ? AND channel = ? ORDER BY last_inbound_at DESC LIMIT 1')
      .get(conversationId, channel) as { identity: string; lastInboundAt: number } | undefined;
  }

  async seen(platformId: string): Promise<boolean> {
    return this.#db.prepare('SELECT 1 FROM channel_seen WHERE id = ?').get(platformId) !== undefined;
  }

  async appendOnce(envelope: Envelope, platformId: string): Promise<{ seq: number; at: number; duplicate: boolean }> {
    return this.#db.transaction(() => {
      const seen = this.#db.prepare('INSERT OR IGNORE INTO channel_seen (id, at, conversation_id) VALUES (?, ?, ?)').run(platformId, this.now(), envelope.conversationId);
      if (seen.changes === 0) return { seq: 0, at: 0, duplicate: true };
      return this.#appendTransaction(envelope);
    })();
  }
}
