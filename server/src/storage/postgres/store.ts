/**
 * The relay's storage on PostgreSQL (THREADLINE_DATABASE_URL=postgres://…): the same records as
 * the SQLite storage, and attachment blobs in the database too, so relays that share one database
 * need nothing else. Several relays may write at once: a conversation's next sequence number is
 * taken under its row lock, so numbers stay gap-free and ordered.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import type { Channel, ConversationSummary, DeviceKeys, DeviceRecord, DeviceStatus, Envelope, KeyBackup, PrekeyBundleWire, Retention, SignedDirectory, StoredEnvelope, TeamMember } from '@threadline/sdk/protocol';
import { authKeyMatches, hashAuthKey } from '../../auth/passwords.ts';
import { newId, newInviteCode, newToken, secretHash } from '../../auth/tokens.ts';
import { defaultLogger, type Logger } from '../../log.ts';
import { DEFAULT_QUOTAS, overQuota, QuotaError, type Quotas } from '../../quotas.ts';
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
  type Announce,
  type Appended,
  type Conversation,
  type NewAgent,
  type Principal,
  type Site,
  type SiteChannels,
  type StoredText,
  type Usage,
} from '../types.ts';
import { PostgresBlobStore } from './blobs.ts';
import { postgresMigrations } from './migrations.ts';

/** A connection, or the pool: what a query runs on. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** BIGINT (times in ms, byte counts) and count(*) come back as numbers: they stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

type ConversationRow = Omit<Conversation, 'visitor' | 'channel' | 'status'> & {
  visitor: string | null;
  channel: Channel | null;
  label: string | null;
  lastInboundAt: number | null;
  state: 'closed' | 'snoozed' | null;
  statusSeq: number | null;
  snoozedUntil: number | null;
};

const CONVERSATION = `
  SELECT c.id, c.site_id AS site, d.keys AS visitor, c.created_at AS "createdAt", c.expires_at AS "expiresAt",
         c.last_seq AS "lastSeq", c.last_at AS "lastAt", c.merged_into AS "mergedInto",
         c.status AS state, c.status_seq AS "statusSeq", c.snoozed_until AS "snoozedUntil", c.assignee AS assignee,
         l.channel AS channel, l.label AS label, l.last_inbound_at AS "lastInboundAt"
  FROM conversations c LEFT JOIN devices d ON d.id = c.visitor_device
  LEFT JOIN LATERAL (SELECT channel, label, last_inbound_at FROM channel_links WHERE conversation_id = c.id ORDER BY last_inbound_at DESC LIMIT 1) l ON true`;

function toConversation(row: ConversationRow): Conversation {
  const { channel, label, lastInboundAt, visitor, state, statusSeq, snoozedUntil, ...rest } = row;
  return {
    ...rest,
    visitor: visitor ? (JSON.parse(visitor) as DeviceKeys) : null,
    channel: channel ? { name: channel, label: label!, lastInboundAt: lastInboundAt! } : null,
    status: state ? { state, seq: statusSeq!, until: snoozedUntil } : null,
  };
}

/** Opens (migrating as needed) the PostgreSQL storage at `url` (postgres://user:password@host:port/database). */
export async function openPostgresStorage(url: string, now: () => number = Date.now, quotas: Quotas = DEFAULT_QUOTAS, log: Logger = defaultLogger()): Promise<PostgresStorage> {
  const pool = new pg.Pool({ connectionString: url, types, max: 10 });
  // An idle connection that the server drops is an error on the pool: the next query opens another.
  pool.on('error', (error) => log.warn({ err: error }, 'a PostgreSQL connection failed'));
  try {
    await migrate(new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }), postgresMigrations, 'PostgreSQL database');
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresStorage(pool, now, quotas);
}

export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  readonly blobs: PostgresBlobStore;
  readonly #pool: pg.Pool;
  #open = true;

  constructor(
    pool: pg.Pool,
    readonly now: () => number = Date.now,
    readonly quotas: Quotas = DEFAULT_QUOTAS,
  ) {
    this.#pool = pool;
    this.blobs = new PostgresBlobStore(pool, (work) => this.#transaction(work));
  }

  get open(): boolean {
    return this.#open;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#pool.end();
  }

  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    // A session lock on a connection of its own: released by the unlock, or by PostgreSQL when the
    // connection (or the relay holding it) dies, so a dead relay's lock passes to another.
    const client = await this.#pool.connect();
    let held = false;
    try {
      held = (await this.#one<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [`threadline:${name}`], client))!.held;
      return held ? await work() : undefined;
    } finally {
      if (held) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`threadline:${name}`]).catch(() => undefined);
      client.release();
    }
  }

  async ready(): Promise<boolean> {
    if (!this.#open) return false;
    try {
      await this.#pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async #one<T>(text: string, values: unknown[] = [], on: Queryable = this.#pool): Promise<T | undefined> {
    return (await on.query(text, values)).rows[0] as T | undefined;
  }

  async #all<T>(text: string, values: unknown[] = [], on: Queryable = this.#pool): Promise<T[]> {
    return (await on.query(text, values)).rows as T[];
  }

  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #tables(): Promise<string[]> {
    return (await this.#all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%' ORDER BY 1")).map((row) => row.name);
  }

  async holding(values: (string | Buffer)[]): Promise<string[]> {
    const columns = await this.#all<{ table: string; column: string; type: string }>(
      "SELECT table_name AS table, column_name AS column, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE 'kysely_%' ORDER BY table_name, ordinal_position",
    );
    const found: string[] = [];
    for (const { table, column, type } of columns) {
      for (const value of values) {
        const bytes = type === 'bytea';
        // Bytes are searched in byte columns (token hashes, blobs), text in every column (as text, or as its UTF-8 bytes).
        if (Buffer.isBuffer(value) && !bytes) continue;
        const test = bytes ? `position($1::bytea in "${column}") > 0` : `position($1 in "${column}"::text) > 0`;
        const hits = await this.#one<{ n: number }>(`SELECT count(*) AS n FROM "${table}" WHERE ${test}`, [Buffer.isBuffer(value) ? value : bytes ? Buffer.from(value) : value]);
        if (hits?.n) found.push(`${table}.${column} holds ${String(value)}`);
      }
    }
    return found;
  }

  async rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of await this.#tables()) counts[table] = (await this.#one<{ n: number }>(`SELECT count(*) AS n FROM "${table}"`))!.n;
    return counts;
  }

  async secret(name: string): Promise<Buffer> {
    // Two relays asking at once agree: the first insert wins and both read it.
    await this.#pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [name, randomBytes(32).toString('base64')]);
    return Buffer.from((await this.#one<{ value: string }>('SELECT value FROM meta WHERE key = $1', [name]))!.value, 'base64');
  }

  // ---- sites and the key directory ----

  async createSite(id: string, name: string): Promise<void> {
    await this.#pool.query('INSERT INTO sites (id, name, created_at) VALUES ($1, $2, $3)', [id, name, this.now()]);
  }

  async site(id: string): Promise<Site | undefined> {
    const row = await this.#one<{ id: string; name: string; orgKey: string | null; directory: string | null; sig: string | null; version: number; rd: Retention; rm: Retention }>(
      'SELECT id, name, org_key AS "orgKey", directory, directory_sig AS sig, directory_version AS version, retention_default AS rd, retention_max AS rm FROM sites WHERE id = $1',
      [id],
    );
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
    return JSON.parse((await this.#one<{ origins: string }>('SELECT origins FROM sites WHERE id = $1', [site]))?.origins ?? '[]') as string[];
  }

  async setOrigins(site: string, origins: string[]): Promise<void> {
    await this.#pool.query('UPDATE sites SET origins = $1 WHERE id = $2', [JSON.stringify(origins), site]);
  }

  async savedReplies(site: string): Promise<{ version: number; sealed: string | null }> {
    return (await this.#one<{ version: number; sealed: string | null }>('SELECT saved_replies_version AS version, saved_replies AS sealed FROM sites WHERE id = $1', [site])) ?? { version: 0, sealed: null };
  }

  async setSavedReplies(site: string, replaces: number, sealed: string): Promise<number | undefined> {
    const row = await this.#one<{ version: number }>('UPDATE sites SET saved_replies = $1, saved_replies_version = saved_replies_version + 1 WHERE id = $2 AND saved_replies_version = $3 RETURNING saved_replies_version AS version', [sealed, site, replaces]);
    return row?.version;
  }

  async shareText(site: string): Promise<boolean> {
    return (await this.#one<{ on: boolean }>('SELECT share_text AS on FROM sites WHERE id = $1', [site]))?.on === true;
  }

  async setShareText(site: string, on: boolean): Promise<void> {
    await this.#pool.query('UPDATE sites SET share_text = $1 WHERE id = $2', [on, site]);
  }

  async #setOrgKey(site: string, orgKey: string, on: Queryable): Promise<boolean> {
    return (await on.query('UPDATE sites SET org_key = $1 WHERE id = $2 AND (org_key IS NULL OR org_key = $1)', [orgKey, site])).rowCount === 1;
  }

  setOrgKey(site: string, orgKey: string): Promise<boolean> {
    return this.#setOrgKey(site, orgKey, this.#pool);
  }

  async #setDirectory(site: string, signed: SignedDirectory, version: number, deviceIds: string[], on: pg.PoolClient): Promise<string[]> {
    await on.query('UPDATE sites SET directory = $1, directory_sig = $2, directory_version = $3 WHERE id = $4', [signed.directory, signed.signature, version, site]);
    const approved = (await this.#all<{ id: string }>("SELECT id FROM devices WHERE site_id = $1 AND agent_id IS NOT NULL AND status = 'approved'", [site], on)).map((row) => row.id);
    const revoked = approved.filter((id) => !deviceIds.includes(id));
    await on.query("UPDATE devices SET status = 'approved' WHERE id = ANY($1) AND site_id = $2 AND agent_id IS NOT NULL", [deviceIds, site]);
    if (revoked.length) {
      await on.query("UPDATE devices SET status = 'revoked' WHERE id = ANY($1) AND site_id = $2 AND agent_id IS NOT NULL", [revoked, site]);
      await on.query('DELETE FROM prekeys WHERE device_id = ANY($1)', [revoked]);
      await on.query('DELETE FROM tokens WHERE device_id = ANY($1)', [revoked]);
    }
    return revoked;
  }

  setDirectory(site: string, signed: SignedDirectory, version: number, deviceIds: string[]): Promise<string[]> {
    return this.#transaction((client) => this.#setDirectory(site, signed, version, deviceIds, client));
  }

  setUpOrganisation(site: string, agentId: string, backup: KeyBackup, signed: SignedDirectory, version: number, deviceIds: string[]): Promise<string[]> {
    return this.#transaction(async (client) => {
      if (!(await this.#setOrgKey(site, backup.orgKey.publicKey, client))) throw new OrgKeyTakenError();
      await client.query('UPDATE agents SET key_backup = $1 WHERE id = $2', [JSON.stringify(backup), agentId]);
      return this.#setDirectory(site, signed, version, deviceIds, client);
    });
  }

  // ---- agents ----

  async createAgent(agent: NewAgent): Promise<string> {
    const id = newId();
    const { salt, hash } = await hashAuthKey(agent.authKey);
    await this.#pool.query(
      'INSERT INTO agents (id, site_id, email, name, role, kdf_salt, kdf_iterations, auth_salt, auth_hash, key_backup, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
      [id, agent.site, agent.email.toLowerCase(), agent.name, agent.role, agent.salt, agent.iterations, salt, hash, agent.keyBackup ? JSON.stringify(agent.keyBackup) : null, this.now()],
    );
    return id;
  }

  async #agentWhere(column: 'email' | 'id', value: string): Promise<AgentRecord | undefined> {
    const row = await this.#one<Omit<AgentRecord, 'keyBackup'> & { keyBackup: string | null }>(
      `SELECT id, site_id AS site, email, name, role, kdf_salt AS "kdfSalt", kdf_iterations AS "kdfIterations", key_backup AS "keyBackup" FROM agents WHERE ${column} = $1`,
      [value],
    );
    return row && { ...row, keyBackup: row.keyBackup ? (JSON.parse(row.keyBackup) as KeyBackup) : null };
  }

  agentByEmail(email: string): Promise<AgentRecord | undefined> {
    return this.#agentWhere('email', email.toLowerCase());
  }

  agent(id: string): Promise<AgentRecord | undefined> {
    return this.#agentWhere('id', id);
  }

  async verifyAgent(email: string, authKey: string): Promise<AgentRecord | undefined> {
    const row = await this.#one<{ salt: Buffer; hash: Buffer }>('SELECT auth_salt AS salt, auth_hash AS hash FROM agents WHERE email = $1', [email.toLowerCase()]);
    return (await authKeyMatches(authKey, row)) ? this.agentByEmail(email) : undefined;
  }

  async setKeyBackup(agentId: string, backup: KeyBackup): Promise<void> {
    await this.#pool.query('UPDATE agents SET key_backup = $1 WHERE id = $2', [JSON.stringify(backup), agentId]);
  }

  team(site: string): Promise<TeamMember[]> {
    return this.#all<TeamMember>('SELECT id, name, email, role FROM agents WHERE site_id = $1 ORDER BY name, email', [site]);
  }

  async createInvite(site: string, email: string, name: string): Promise<string> {
    const code = newInviteCode();
    await this.#pool.query('INSERT INTO invites (hash, site_id, email, name, expires_at) VALUES ($1, $2, $3, $4, $5)', [secretHash(code), site, email.toLowerCase(), name, this.now() + INVITE_TTL_MS]);
    return code;
  }

  async takeInvite(code: string): Promise<{ site: string; email: string; name: string } | undefined> {
    const row = await this.#one<{ site: string; email: string; name: string; expiresAt: number }>(
      'DELETE FROM invites WHERE hash = $1 RETURNING site_id AS site, email, name, expires_at AS "expiresAt"',
      [secretHash(code)],
    );
    return row && row.expiresAt > this.now() ? { site: row.site, email: row.email, name: row.name } : undefined;
  }

  // ---- devices and prekeys ----

  async #upsertDevice(site: string, agentId: string | null, name: string, keys: DeviceKeys, on: Queryable): Promise<'ok' | 'taken' | 'revoked'> {
    const existing = await this.#one<{ site: string; agentId: string | null; status: DeviceStatus }>('SELECT site_id AS site, agent_id AS "agentId", status FROM devices WHERE id = $1', [keys.id], on);
    if (existing && (existing.site !== site || existing.agentId !== agentId)) return 'taken';
    if (existing?.status === 'revoked') return 'revoked';
    if (existing) await on.query('UPDATE devices SET keys = $1, name = $2 WHERE id = $3', [JSON.stringify(keys), name, keys.id]);
    else {
      await on.query('INSERT INTO devices (id, site_id, agent_id, name, keys, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        keys.id,
        site,
        agentId,
        name,
        JSON.stringify(keys),
        agentId ? 'pending' : 'approved',
        this.now(),
      ]);
    }
    return 'ok';
  }

  upsertDevice(site: string, agentId: string | null, name: string, keys: DeviceKeys): Promise<'ok' | 'taken' | 'revoked'> {
    return this.#transaction((client) => this.#upsertDevice(site, agentId, name, keys, client));
  }

  async addPrekeys(deviceId: string, prekeys: { id: number; publicKey: string }[]): Promise<void> {
    if (prekeys.length === 0) return;
    await this.#pool.query(
      'INSERT INTO prekeys (device_id, id, public_key) SELECT $1, id, public_key FROM unnest($2::int[], $3::text[]) AS p(id, public_key) ON CONFLICT DO NOTHING',
      [deviceId, prekeys.map((p) => p.id), prekeys.map((p) => p.publicKey)],
    );
  }

  async prekeyCount(deviceId: string): Promise<number> {
    return (await this.#one<{ n: number }>('SELECT count(*) AS n FROM prekeys WHERE device_id = $1', [deviceId]))!.n;
  }

  async devices(site: string): Promise<DeviceRecord[]> {
    const rows = await this.#all<{ keys: string; name: string; status: DeviceStatus; createdAt: number; agent: string }>(
      `SELECT d.keys, d.name, d.status, d.created_at AS "createdAt", a.email AS agent FROM devices d JOIN agents a ON a.id = d.agent_id
       WHERE d.site_id = $1 ORDER BY d.created_at, d.id`,
      [site],
    );
    return rows.map(({ keys, ...rest }) => ({ ...(JSON.parse(keys) as DeviceKeys), ...rest }));
  }

  takeBundle(site: string, deviceId: string): Promise<PrekeyBundleWire | undefined> {
    return this.#transaction(async (client) => {
      const device = await this.#one<{ keys: string }>("SELECT keys FROM devices WHERE id = $1 AND site_id = $2 AND status = 'approved' AND agent_id IS NOT NULL", [deviceId, site], client);
      if (!device) return undefined;
      // SKIP LOCKED: two visitors fetching at once each take a different one-time prekey.
      const prekey = await this.#one<{ id: number; publicKey: string }>(
        `DELETE FROM prekeys WHERE device_id = $1 AND id = (SELECT id FROM prekeys WHERE device_id = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id, public_key AS "publicKey"`,
        [deviceId],
        client,
      );
      return { ...(JSON.parse(device.keys) as DeviceKeys), ...(prekey ? { oneTimePrekey: prekey } : {}) };
    });
  }

  // ---- sessions ----

  async issueToken(role: 'visitor' | 'agent', subject: string, deviceId: string | null = null): Promise<string> {
    const token = newToken();
    const expiresAt = role === 'agent' ? this.now() + AGENT_TOKEN_TTL_MS : null;
    await this.#pool.query('INSERT INTO tokens (hash, role, subject, device_id, expires_at) VALUES ($1, $2, $3, $4, $5)', [secretHash(token), role, subject, deviceId, expiresAt]);
    return token;
  }

  async bindTokenToDevice(token: string, deviceId: string): Promise<void> {
    await this.#pool.query('UPDATE tokens SET device_id = $1 WHERE hash = $2', [deviceId, secretHash(token)]);
  }

  async principal(token: string): Promise<Principal | undefined> {
    const row = await this.#one<{ role: string; subject: string; deviceId: string | null; expiresAt: number | null; site: string | null; status: DeviceStatus | null }>(
      `SELECT t.role, t.subject, t.device_id AS "deviceId", t.expires_at AS "expiresAt", a.site_id AS site, d.status
       FROM tokens t LEFT JOIN agents a ON t.role = 'agent' AND a.id = t.subject LEFT JOIN devices d ON d.id = t.device_id
       WHERE t.hash = $1`,
      [secretHash(token)],
    );
    if (!row || (row.expiresAt !== null && row.expiresAt < this.now())) return undefined;
    if (row.role === 'agent') {
      return row.site ? { role: 'agent', site: row.site, agentId: row.subject, deviceId: row.deviceId, approved: row.status === 'approved', expiresAt: row.expiresAt ?? Infinity } : undefined;
    }
    const conversation = await this.conversation(row.subject);
    return conversation?.visitor ? { role: 'visitor', site: conversation.site, conversationId: conversation.id, deviceId: conversation.visitor.id } : undefined;
  }

  // ---- conversations and envelopes ----

  async createConversation(site: string, visitor: DeviceKeys | null, expiresAt: number): Promise<Conversation> {
    const now = this.now();
    const id = newId();
    try {
      await this.#transaction(async (client) => {
        if (visitor && (await this.#one('SELECT 1 FROM devices WHERE id = $1', [visitor.id], client))) throw new DeviceTakenError();
        if (visitor) await this.#upsertDevice(site, null, 'visitor', visitor, client);
        await client.query('INSERT INTO conversations (id, site_id, visitor_device, created_at, expires_at, last_at) VALUES ($1, $2, $3, $4, $5, $6)', [id, site, visitor?.id ?? null, now, expiresAt, now]);
      });
    } catch (error) {
      // Two registrations of one device id at once: the second insert hits the primary key.
      if ((error as { code?: string }).code === '23505' && visitor) throw new DeviceTakenError();
      throw error;
    }
    return (await this.conversation(id))!;
  }

  async markRead(conversationId: string, role: 'visitor' | 'agent', seq: number): Promise<number> {
    const column = role === 'visitor' ? 'visitor_read' : 'agent_read';
    return (await this.#one<{ seq: number }>(`UPDATE conversations SET ${column} = GREATEST(${column}, LEAST($1, last_seq)) WHERE id = $2 RETURNING ${column} AS seq`, [seq, conversationId]))?.seq as number;
  }

  async readState(conversationId: string): Promise<{ visitor: number; agent: number }> {
    return (await this.#one<{ visitor: number; agent: number }>('SELECT visitor_read AS visitor, agent_read AS agent FROM conversations WHERE id = $1', [conversationId]))!;
  }

  merge(from: string, into: string): Promise<void> {
    return this.#transaction(async (client) => {
      await client.query('UPDATE conversations SET merged_into = $1 WHERE id = $2 OR merged_into = $2', [into, from]);
      await client.query('UPDATE channel_links SET conversation_id = $1 WHERE conversation_id = $2', [into, from]);
    });
  }

  async conversation(id: string): Promise<Conversation | undefined> {
    const row = await this.#one<ConversationRow>(`${CONVERSATION} WHERE c.id = $1`, [id]);
    return row && toConversation(row);
  }

  async assign(id: string, agentId: string | null): Promise<void> {
    await this.#pool.query('UPDATE conversations SET assignee = $1 WHERE id = $2', [agentId, id]);
  }

  async setStatus(id: string, status: { state: 'closed' | 'snoozed'; until: number | null } | null): Promise<void> {
    await this.#pool.query('UPDATE conversations SET status = $1, status_seq = last_seq, snoozed_until = $2 WHERE id = $3', [status?.state ?? null, status?.until ?? null, id]);
  }

  async conversations(site: string, limit = 500): Promise<ConversationSummary[]> {
    const rows = await this.#all<ConversationRow>(`${CONVERSATION} WHERE c.site_id = $1 AND c.expires_at > $2 ORDER BY c.last_at DESC, c.id LIMIT $3`, [site, this.now(), limit]);
    return rows.map((row) => {
      const { site: _, ...summary } = toConversation(row);
      return summary;
    });
  }

  /**
   * Stores one envelope on `client` (inside its transaction), or returns, having written nothing,
   * undefined when its conversation no longer exists or a QuotaError when it does not fit. The
   * conversation's row is locked from the usage check to the commit: concurrent writers to one
   * conversation take turns, and each gets the next sequence number.
   */
  async #appendOne(envelope: Envelope, client: pg.PoolClient): Promise<Appended | QuotaError | undefined> {
    const found = await this.#one<{ dupSeq: number | null; dupAt: number | null; conversation: number; site: number }>(
      `SELECT e.seq AS "dupSeq", e.at AS "dupAt", c.bytes AS conversation, s.bytes AS site
       FROM conversations c JOIN sites s ON s.id = c.site_id LEFT JOIN envelopes e ON e.conversation_id = c.id AND e.id = $2
       WHERE c.id = $1 FOR UPDATE OF c`,
      [envelope.conversationId, envelope.id],
      client,
    );
    if (!found) return undefined;
    if (found.dupSeq !== null) return { seq: found.dupSeq, at: found.dupAt!, duplicate: true, body: '' };
    const body = JSON.stringify(envelope);
    const over = overQuota(this.quotas, found, body.length);
    if (over) return new QuotaError(over);
    const at = this.now();
    const stored = await this.#one<{ seq: number }>(
      `WITH bumped AS (UPDATE conversations SET last_seq = last_seq + 1, last_at = $2, bytes = bytes + $3 WHERE id = $1 RETURNING last_seq, site_id),
            site AS (UPDATE sites SET bytes = bytes + $3 WHERE id = (SELECT site_id FROM bumped)),
            stored AS (INSERT INTO envelopes (conversation_id, seq, id, body, at) SELECT $1, last_seq, $4, $5, $2 FROM bumped)
       SELECT last_seq AS seq FROM bumped`,
      [envelope.conversationId, at, body.length, envelope.id, body],
      client,
    );
    if (envelope.audience === 'agents') {
      await client.query('UPDATE conversations SET status_seq = $1 WHERE id = $2 AND status IS NOT NULL AND status_seq = $3', [stored!.seq, envelope.conversationId, stored!.seq - 1]);
    }
    return { seq: stored!.seq, at, duplicate: false, body };
  }

  append(envelope: Envelope): Promise<Appended> {
    return this.#transaction(async (client) => {
      const appended = await this.#appendOne(envelope, client);
      if (!appended) throw new GoneError(envelope.conversationId);
      if (appended instanceof QuotaError) throw appended;
      return appended;
    });
  }

  appendBatch(envelopes: Envelope[], announce?: (Announce | undefined)[]): Promise<(Appended | Error)[]> {
    return this.#transaction(async (client) => {
      const conversations = [...new Set(envelopes.map((e) => e.conversationId))];
      // Relays batch the same conversations in different orders: locking a batch's conversations,
      // then their sites, in id order first keeps two batches from each waiting on the other.
      if (conversations.length > 1) {
        await client.query('SELECT 1 FROM conversations WHERE id = ANY($1) ORDER BY id FOR UPDATE', [conversations]);
        await client.query('SELECT 1 FROM sites WHERE id IN (SELECT site_id FROM conversations WHERE id = ANY($1)) ORDER BY id FOR UPDATE', [conversations]);
      }
      const results: (Appended | Error)[] = [];
      for (const envelope of envelopes) results.push((await this.#appendOne(envelope, client)) ?? new GoneError(envelope.conversationId));
      await this.#announce(
        results.flatMap((result, i) => (result instanceof Error || result.duplicate || !announce?.[i] ? [] : [announce[i](result)])),
        client,
      );
      return results;
    });
  }

  /** Sends notifications inside the transaction: PostgreSQL delivers them at commit, in order. */
  async #announce(notices: { channel: string; payload: string }[], client: pg.PoolClient): Promise<void> {
    if (notices.length === 0) return;
    await client.query('SELECT pg_notify(channel, payload) FROM unnest($1::text[], $2::text[]) AS n(channel, payload)', [notices.map((n) => n.channel), notices.map((n) => n.payload)]);
  }

  route(conversationId: string): Promise<{ site: string; expiresAt: number } | undefined> {
    return this.#one('SELECT site_id AS site, expires_at AS "expiresAt" FROM conversations WHERE id = $1', [conversationId]);
  }

  storedSince(conversationId: string, seq: number, limit = 500): Promise<StoredText[]> {
    return this.#all<StoredText>('SELECT body, seq, at FROM envelopes WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [conversationId, seq, limit]);
  }

  async since(conversationId: string, seq: number, limit = 500): Promise<StoredEnvelope[]> {
    return (await this.storedSince(conversationId, seq, limit)).map((row) => ({ ...(JSON.parse(row.body) as Envelope), seq: row.seq, at: row.at }));
  }

  usage(conversationId: string): Promise<Usage | undefined> {
    return this.#one<Usage>('SELECT c.bytes AS conversation, s.bytes AS site FROM conversations c JOIN sites s ON s.id = c.site_id WHERE c.id = $1', [conversationId]);
  }

  async addBlobBytes(conversationId: string, bytes: number): Promise<void> {
    await this.#pool.query(
      `WITH bumped AS (UPDATE conversations SET bytes = bytes + $1 WHERE id = $2 RETURNING site_id)
       UPDATE sites SET bytes = bytes + $1 WHERE id = (SELECT site_id FROM bumped)`,
      [bytes, conversationId],
    );
  }

  deleteExpired(now = this.now()): Promise<{ id: string; site: string }[]> {
    return this.#transaction(async (client) => {
      await client.query('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]);
      await client.query('DELETE FROM invites WHERE expires_at <= $1', [now]);
      await client.query('DELETE FROM handoffs WHERE expires_at <= $1', [now]);
      // Platform ids recorded before they named their conversation: kept only as long as Meta retries a delivery.
      await client.query('DELETE FROM channel_seen WHERE conversation_id IS NULL AND at <= $1', [now - SEEN_TTL_MS]);
      const expired = await this.#all<{ id: string; site: string; device: string | null; bytes: number }>(
        // Sites in id order, as batches of messages take them.
        'SELECT id, site_id AS site, visitor_device AS device, bytes FROM conversations WHERE expires_at <= $1 ORDER BY site_id, id FOR UPDATE SKIP LOCKED',
        [now],
      );
      if (expired.length === 0) return [];
      const ids = expired.map((c) => c.id);
      const devices = expired.flatMap((c) => (c.device ? [c.device] : []));
      for (const { site, bytes } of expired) await client.query('UPDATE sites SET bytes = bytes - $1 WHERE id = $2', [bytes, site]);
      for (const table of ['envelopes', 'handoffs', 'channel_links', 'channel_seen']) await client.query(`DELETE FROM ${table} WHERE conversation_id = ANY($1)`, [ids]);
      await client.query('DELETE FROM tokens WHERE subject = ANY($1)', [ids]);
      await client.query('UPDATE conversations SET merged_into = NULL WHERE merged_into = ANY($1)', [ids]);
      await client.query('DELETE FROM conversations WHERE id = ANY($1)', [ids]);
      if (devices.length) {
        await client.query("DELETE FROM tokens WHERE device_id = ANY($1) AND role = 'visitor'", [devices]);
        await client.query('DELETE FROM devices WHERE id = ANY($1) AND agent_id IS NULL', [devices]);
      }
      return expired.map(({ id, site }) => ({ id, site }));
    });
  }

  // ---- messengers ----

  async setChannels(site: string, channels: SiteChannels): Promise<void> {
    await this.#pool.query('UPDATE sites SET channels = $1 WHERE id = $2', [JSON.stringify(channels), site]);
  }

  async channels(site: string): Promise<SiteChannels> {
    return JSON.parse((await this.#one<{ channels: string }>('SELECT channels FROM sites WHERE id = $1', [site]))?.channels ?? '{}') as SiteChannels;
  }

  async siteForAccount(channel: Channel, account: string): Promise<string | undefined> {
    return (await this.#one<{ id: string }>('SELECT id FROM sites WHERE (channels::jsonb -> $1 ->> \'account\') = $2 ORDER BY id LIMIT 1', [channel, account]))?.id;
  }

  async createHandoff(conversationId: string, channel: Channel, ref: string, expiresAt: number): Promise<void> {
    await this.#pool.query('INSERT INTO handoffs (channel, ref, conversation_id, expires_at) VALUES ($1, $2, $3, $4)', [channel, ref, conversationId, expiresAt]);
  }

  async takeHandoff(site: string, channel: Channel, ref: string): Promise<string | undefined> {
    const row = await this.#one<{ id: string; expiresAt: number }>(
      `DELETE FROM handoffs WHERE channel = $1 AND ref = $2 AND conversation_id IN (SELECT id FROM conversations WHERE site_id = $3)
       RETURNING conversation_id AS id, expires_at AS "expiresAt"`,
      [channel, ref, site],
    );
    return row && row.expiresAt > this.now() ? row.id : undefined;
  }

  async linkedConversation(site: string, channel: Channel, identity: string): Promise<string | undefined> {
    return (await this.#one<{ id: string }>('SELECT conversation_id AS id FROM channel_links WHERE site_id = $1 AND channel = $2 AND identity = $3', [site, channel, identity]))?.id;
  }

  async link(channel: Channel, identity: string, site: string, label: string, conversationId: string, at: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO channel_links (channel, identity, site_id, label, conversation_id, last_inbound_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (site_id, channel, identity) DO UPDATE SET conversation_id = excluded.conversation_id, label = excluded.label, last_inbound_at = excluded.last_inbound_at`,
      [channel, identity, site, label, conversationId, at],
    );
  }

  channelIdentity(conversationId: string, channel: Channel): Promise<{ identity: string; lastInboundAt: number } | undefined> {
    return this.#one('SELECT identity, last_inbound_at AS "lastInboundAt" FROM channel_links WHERE conversation_id = $1 AND channel = $2 ORDER BY last_inbound_at DESC LIMIT 1', [
      conversationId,
      channel,
    ]);
  }

  async seen(platformId: string): Promise<boolean> {
    return (await this.#one('SELECT 1 FROM channel_seen WHERE id = $1', [platformId])) !== undefined;
  }

  appendOnce(envelope: Envelope, platformId: string, announce?: Announce): Promise<{ seq: number; at: number; duplicate: boolean }> {
    return this.#transaction(async (client) => {
      const seen = await client.query('INSERT INTO channel_seen (id, at, conversation_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [platformId, this.now(), envelope.conversationId]);
      if (seen.rowCount === 0) return { seq: 0, at: 0, duplicate: true };
      const appended = await this.#appendOne(envelope, client);
      if (!appended) throw new GoneError(envelope.conversationId);
      if (appended instanceof QuotaError) throw appended;
      if (!appended.duplicate && announce) await this.#announce([announce(appended)], client);
      return appended;
    });
  }
}
