/**
 * The relay's storage: one SQLite file (WAL) in the data directory. It holds sites, agents,
 * visitors, session-token hashes, and envelopes — ciphertext with routing metadata, never text.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ConversationSummary, Envelope, KeyBackup, StoredEnvelope } from '@threadline/sdk/protocol';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
/** The auth key is already a 256-bit PBKDF2 output; scrypt makes a stolen database costlier still. */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 };
const AGENT_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, inbox_key TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL, kdf_salt TEXT NOT NULL, kdf_iterations INTEGER NOT NULL,
  auth_salt BLOB NOT NULL, auth_hash BLOB NOT NULL, key_backup TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  hash BLOB PRIMARY KEY, role TEXT NOT NULL, subject TEXT NOT NULL, expires_at INTEGER);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id), visitor_key TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0, last_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_by_site ON conversations(site_id, last_at);
CREATE TABLE IF NOT EXISTS envelopes (
  conversation_id TEXT NOT NULL REFERENCES conversations(id), seq INTEGER NOT NULL,
  id TEXT NOT NULL, sender TEXT NOT NULL, iv TEXT NOT NULL, ct TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, id)) WITHOUT ROWID;
`;

export interface Site {
  id: string;
  name: string;
  inboxKey: string | null;
}
export interface AgentRecord {
  id: string;
  site: string;
  email: string;
  name: string;
  kdfSalt: string;
  kdfIterations: number;
  keyBackup: KeyBackup | null;
}
export type Principal =
  | { role: 'visitor'; site: string; conversationId: string }
  | { role: 'agent'; site: string; agentId: string };

export interface NewAgent {
  site: string;
  email: string;
  name: string;
  salt: string;
  iterations: number;
  authKey: string;
  keyBackup?: KeyBackup;
}

const newId = () => randomBytes(12).toString('base64url');
const hashToken = (token: string) => createHash('sha256').update(token).digest();

export class Store {
  readonly db: Database.Database;
  readonly #insertEnvelope;
  readonly #bumpConversation;
  readonly #findEnvelope;
  readonly #since;
  readonly #conversation;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'threadline.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // FULL: an ack promises the message survives a power cut, not only a process crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.#insertEnvelope = this.db.prepare(
      'INSERT INTO envelopes (conversation_id, seq, id, sender, iv, ct, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#bumpConversation = this.db.prepare(
      'UPDATE conversations SET last_seq = last_seq + 1, last_at = ? WHERE id = ? RETURNING last_seq',
    );
    this.#findEnvelope = this.db.prepare('SELECT seq, at FROM envelopes WHERE conversation_id = ? AND id = ?');
    this.#since = this.db.prepare(
      'SELECT conversation_id AS conversationId, seq, id, sender AS "from", iv, ct, at FROM envelopes WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.#conversation = this.db.prepare(
      'SELECT id, site_id AS site, visitor_key AS visitorKey, created_at AS createdAt, last_seq AS lastSeq, last_at AS lastAt FROM conversations WHERE id = ?',
    );
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

  // ---- sites and agents ----

  createSite(id: string, name: string, inboxKey: string | null = null): void {
    this.db.prepare('INSERT INTO sites (id, name, inbox_key, created_at) VALUES (?, ?, ?, ?)').run(id, name, inboxKey, Date.now());
  }

  site(id: string): Site | undefined {
    return this.db.prepare('SELECT id, name, inbox_key AS inboxKey FROM sites WHERE id = ?').get(id) as Site | undefined;
  }

  /** Sets the site's inbox key once; returns false if a different key is already set. */
  setInboxKey(site: string, inboxKey: string): boolean {
    const result = this.db
      .prepare('UPDATE sites SET inbox_key = ? WHERE id = ? AND (inbox_key IS NULL OR inbox_key = ?)')
      .run(inboxKey, site, inboxKey);
    return result.changes === 1;
  }

  async createAgent(agent: NewAgent): Promise<string> {
    const id = newId();
    const authSalt = randomBytes(16);
    const authHash = await scryptAsync(agent.authKey, authSalt, 32, SCRYPT);
    this.db
      .prepare(
        'INSERT INTO agents (id, site_id, email, name, kdf_salt, kdf_iterations, auth_salt, auth_hash, key_backup, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, agent.site, agent.email.toLowerCase(), agent.name, agent.salt, agent.iterations, authSalt, authHash, agent.keyBackup ? JSON.stringify(agent.keyBackup) : null, Date.now());
    return id;
  }

  agentByEmail(email: string): AgentRecord | undefined {
    const row = this.db
      .prepare('SELECT id, site_id AS site, email, name, kdf_salt AS kdfSalt, kdf_iterations AS kdfIterations, key_backup AS keyBackup FROM agents WHERE email = ?')
      .get(email.toLowerCase()) as (Omit<AgentRecord, 'keyBackup'> & { keyBackup: string | null }) | undefined;
    return row && { ...row, keyBackup: row.keyBackup ? (JSON.parse(row.keyBackup) as KeyBackup) : null };
  }

  /** Checks an agent's auth key in constant time. */
  async verifyAgent(email: string, authKey: string): Promise<AgentRecord | undefined> {
    const agent = this.agentByEmail(email);
    const row = this.db.prepare('SELECT auth_salt AS salt, auth_hash AS hash FROM agents WHERE email = ?').get(email.toLowerCase()) as
      | { salt: Buffer; hash: Buffer }
      | undefined;
    const hash = await scryptAsync(authKey, row?.salt ?? Buffer.alloc(16), 32, SCRYPT);
    return row && timingSafeEqual(hash, row.hash) ? agent : undefined;
  }

  setKeyBackup(agentId: string, backup: KeyBackup): void {
    this.db.prepare('UPDATE agents SET key_backup = ? WHERE id = ?').run(JSON.stringify(backup), agentId);
  }

  // ---- sessions ----

  issueToken(principal: Principal): string {
    const token = randomBytes(32).toString('base64url');
    const subject = principal.role === 'agent' ? principal.agentId : principal.conversationId;
    const expiresAt = principal.role === 'agent' ? Date.now() + AGENT_TOKEN_TTL_MS : null;
    this.db.prepare('INSERT INTO tokens (hash, role, subject, expires_at) VALUES (?, ?, ?, ?)').run(hashToken(token), principal.role, subject, expiresAt);
    return token;
  }

  principal(token: string): Principal | undefined {
    const row = this.db.prepare('SELECT role, subject, expires_at AS expiresAt FROM tokens WHERE hash = ?').get(hashToken(token)) as
      | { role: string; subject: string; expiresAt: number | null }
      | undefined;
    if (!row || (row.expiresAt !== null && row.expiresAt < Date.now())) return undefined;
    if (row.role === 'agent') {
      const agent = this.db.prepare('SELECT site_id AS site FROM agents WHERE id = ?').get(row.subject) as { site: string } | undefined;
      return agent && { role: 'agent', site: agent.site, agentId: row.subject };
    }
    const conversation = this.conversation(row.subject);
    return conversation && { role: 'visitor', site: conversation.site, conversationId: conversation.id };
  }

  // ---- conversations ----

  createConversation(site: string, visitorKey: string): ConversationSummary {
    const now = Date.now();
    const id = newId();
    this.db
      .prepare('INSERT INTO conversations (id, site_id, visitor_key, created_at, last_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, site, visitorKey, now, now);
    return { id, visitorKey, createdAt: now, lastSeq: 0, lastAt: now };
  }

  conversation(id: string): (ConversationSummary & { site: string }) | undefined {
    return this.#conversation.get(id) as (ConversationSummary & { site: string }) | undefined;
  }

  conversations(site: string, limit = 500): ConversationSummary[] {
    return this.db
      .prepare(
        'SELECT id, visitor_key AS visitorKey, created_at AS createdAt, last_seq AS lastSeq, last_at AS lastAt FROM conversations WHERE site_id = ? ORDER BY last_at DESC LIMIT ?',
      )
      .all(site, limit) as ConversationSummary[];
  }

  /**
   * Stores an envelope under the conversation's next sequence number, in one transaction.
   * A resend of a stored client id returns the original sequence number (`duplicate: true`).
   */
  readonly append = (envelope: Envelope): { seq: number; at: number; duplicate: boolean } =>
    this.db.transaction(() => {
      const existing = this.#findEnvelope.get(envelope.conversationId, envelope.id) as { seq: number; at: number } | undefined;
      if (existing) return { ...existing, duplicate: true };
      const at = Date.now();
      const { last_seq: seq } = this.#bumpConversation.get(at, envelope.conversationId) as { last_seq: number };
      this.#insertEnvelope.run(envelope.conversationId, seq, envelope.id, envelope.from, envelope.iv, envelope.ct, at);
      return { seq, at, duplicate: false };
    })();

  since(conversationId: string, seq: number, limit = 500): StoredEnvelope[] {
    return (this.#since.all(conversationId, seq, limit) as Omit<StoredEnvelope, 'v'>[]).map((row) => ({ v: 1, ...row }));
  }
}
