/**
 * The relay's storage, split by concern. Every method is asynchronous so that a database reached
 * over the network (PostgreSQL) fits behind the same interface as the embedded one (SQLite).
 * Implementations: storage/sqlite/ (the default, one file in the data directory) and
 * storage/postgres/ (THREADLINE_DATABASE_URL). storage/contract.test.ts holds both to one behaviour.
 */
import type { Channel, DeviceKeys, DeviceRecord, Envelope, KeyBackup, PrekeyBundleWire, SignedDirectory, StoredEnvelope, TeamMember, ConversationSummary } from '@threadline/sdk/protocol';
import type { Quotas } from '../quotas.ts';
import type { AgentRecord, Announce, Appended, Conversation, NewAgent, Principal, Site, SiteChannels, StoredText, Usage } from './types.ts';
import type { BlobStore } from './blobs.ts';

/** Conversations, their envelopes (ciphertext with routing metadata, never message text), read positions and expiry. */
export interface ConversationStore {
  /** A conversation started by a web visitor (with its device), or on a messenger (`visitor` null). Rejects with DeviceTakenError. */
  createConversation(site: string, visitor: DeviceKeys | null, expiresAt: number): Promise<Conversation>;
  conversation(id: string): Promise<Conversation | undefined>;
  /** The site's live conversations, most recent first. */
  conversations(site: string, limit?: number): Promise<ConversationSummary[]>;
  /** The little the socket needs to route and check a frame: the conversation's site and expiry. */
  route(conversationId: string): Promise<{ site: string; expiresAt: number } | undefined>;
  /** Records how far one side has read (never backwards, never past the last message); returns the new value. */
  markRead(conversationId: string, role: 'visitor' | 'agent', seq: number): Promise<number>;
  readState(conversationId: string): Promise<{ visitor: number; agent: number }>;
  /** Shows `from` as part of `into`; messages that come in for `from`'s messenger identities go to `into`. */
  merge(from: string, into: string): Promise<void>;
  /** Gives the conversation to an agent of its site (checked by the caller), or to nobody. */
  assign(id: string, agentId: string | null): Promise<void>;
  /** An agent closes, snoozes (until a time) or reopens a conversation, as of its last message. */
  setStatus(id: string, status: { state: 'closed' | 'snoozed'; until: number | null } | null): Promise<void>;
  /**
   * Stores an envelope under the conversation's next sequence number, in one transaction. A resend
   * of a stored client id returns the original sequence number (`duplicate: true`). Rejects with
   * GoneError (no such conversation) or QuotaError (it does not fit), having written nothing.
   * An internal note (`audience: 'agents'`) right after an agent closed or snoozed the conversation
   * leaves it so: the status moves to the note's number (the team's own words reopen nothing).
   */
  append(envelope: Envelope): Promise<Appended>;
  /**
   * Stores many envelopes in one transaction — one disk sync for all — in the order given, each as
   * `append` would (a client id repeated within the batch is a duplicate of its first). An envelope
   * whose conversation is gone or over quota comes back as a GoneError or QuotaError, the others are
   * stored. Any other failure rejects with nothing stored: nothing is committed until this resolves.
   * `announce[i]`, if given, makes the notification for the i-th envelope, sent when it is stored
   * (not for a duplicate) and committed with it. Writers on several relays take a batch's
   * conversations in one order, so two batches never wait for each other in a cycle.
   */
  appendBatch(envelopes: Envelope[], announce?: (Announce | undefined)[]): Promise<(Appended | Error)[]>;
  /** The envelopes after `seq` as stored (JSON text), in order. */
  storedSince(conversationId: string, seq: number, limit?: number): Promise<StoredText[]>;
  since(conversationId: string, seq: number, limit?: number): Promise<StoredEnvelope[]>;
  /** The bytes a conversation and its site keep now, or undefined when the conversation is gone. */
  usage(conversationId: string): Promise<Usage | undefined>;
  /** Counts an attachment's bytes against its conversation and site (after it was stored). */
  addBlobBytes(conversationId: string, bytes: number): Promise<void>;
  /**
   * Deletes conversations whose expiry has passed with every row that refers to them — envelopes,
   * read positions, handoff references, messenger links and platform message ids, the visitor's
   * device and tokens — and expired agent sessions, invitations and handoff references.
   */
  deleteExpired(now?: number): Promise<{ id: string; site: string }[]>;
}

/** Agents' and visitors' devices, their one-time prekeys, and the signed key directory that approves them. */
export interface DeviceStore {
  /** Registers (or refreshes) a device. Refuses a device id owned by someone else or revoked. */
  upsertDevice(site: string, agentId: string | null, name: string, keys: DeviceKeys): Promise<'ok' | 'taken' | 'revoked'>;
  addPrekeys(deviceId: string, prekeys: { id: number; publicKey: string }[]): Promise<void>;
  prekeyCount(deviceId: string): Promise<number>;
  /** The site's agent devices, oldest first. */
  devices(site: string): Promise<DeviceRecord[]>;
  /** An approved agent device's bundle, taking one of its one-time prekeys if any is left. */
  takeBundle(site: string, deviceId: string): Promise<PrekeyBundleWire | undefined>;
  /**
   * Stores a newly signed directory (already verified by the caller) and brings device statuses in
   * line with it: listed devices are approved, previously approved ones that are gone are revoked
   * (their prekeys and sessions deleted). Returns the ids of the devices revoked by this change.
   */
  setDirectory(site: string, signed: SignedDirectory, version: number, deviceIds: string[]): Promise<string[]>;
  /**
   * Sets up an organisation in one transaction: its key (once; rejects with OrgKeyTakenError when a
   * different key is set), the agent's key backup and the first directory signed by that key.
   */
  setUpOrganisation(site: string, agentId: string, backup: KeyBackup, signed: SignedDirectory, version: number, deviceIds: string[]): Promise<string[]>;
}

/** Sites and their settings, agents, invitations and session tokens. */
export interface SiteStore {
  createSite(id: string, name: string): Promise<void>;
  site(id: string): Promise<Site | undefined>;
  /** The origins (`https://shop.example`) whose pages may use the site's chat; empty means any. */
  origins(site: string): Promise<string[]>;
  setOrigins(site: string, origins: string[]): Promise<void>;
  /** Whether the chat frame tells the site's pages a message's text (the business's choice; off by default). */
  shareText(site: string): Promise<boolean>;
  setShareText(site: string, on: boolean): Promise<void>;
  /** The team's saved replies as an agent's console sealed them (JSON text; the relay cannot read them), and their version (0 and null: none yet). */
  savedReplies(site: string): Promise<{ version: number; sealed: string | null }>;
  /** Stores the next version if `replaces` is still the current one; resolves the new version, or undefined when another save came first. */
  setSavedReplies(site: string, replaces: number, sealed: string): Promise<number | undefined>;
  /** Sets the organisation key once. Resolves false when a different key is already set. */
  setOrgKey(site: string, orgKey: string): Promise<boolean>;
  /** A random secret kept in the database, created on first use (the same on every relay of one database). */
  secret(name: string): Promise<Buffer>;

  createAgent(agent: NewAgent): Promise<string>;
  agent(id: string): Promise<AgentRecord | undefined>;
  agentByEmail(email: string): Promise<AgentRecord | undefined>;
  /** Checks an agent's auth key in constant time (and in constant work for unknown emails). */
  verifyAgent(email: string, authKey: string): Promise<AgentRecord | undefined>;
  setKeyBackup(agentId: string, backup: KeyBackup): Promise<void>;
  /** The site's agents, for assigning conversations. */
  team(site: string): Promise<TeamMember[]>;
  createInvite(site: string, email: string, name: string): Promise<string>;
  /** Consumes an invite code; returns who it was for (undefined when unknown, used or expired). */
  takeInvite(code: string): Promise<{ site: string; email: string; name: string } | undefined>;

  issueToken(role: 'visitor' | 'agent', subject: string, deviceId?: string | null): Promise<string>;
  bindTokenToDevice(token: string, deviceId: string): Promise<void>;
  /** Who holds this token, or undefined when it is unknown or expired. */
  principal(token: string): Promise<Principal | undefined>;
}

/** Messengers: a site's accounts, handoff references, customers' identities, platform message ids. */
export interface ChannelStore {
  setChannels(site: string, channels: SiteChannels): Promise<void>;
  channels(site: string): Promise<SiteChannels>;
  /** The site whose messenger account (phone number id, page id, Instagram account id) this is. */
  siteForAccount(channel: Channel, account: string): Promise<string | undefined>;
  createHandoff(conversationId: string, channel: Channel, ref: string, expiresAt: number): Promise<void>;
  /** Consumes a handoff reference of `site` (single use); undefined when unknown, used, expired or another site's. */
  takeHandoff(site: string, channel: Channel, ref: string): Promise<string | undefined>;
  /** The conversation a customer's messenger identity is linked to, at this site (identities repeat across businesses). */
  linkedConversation(site: string, channel: Channel, identity: string): Promise<string | undefined>;
  /** Links a customer's identity to a conversation; the relay keeps only a shortened id as its label. */
  link(channel: Channel, identity: string, site: string, label: string, conversationId: string, at: number): Promise<void>;
  /** The customer's identity on a messenger for this conversation, with the last time they wrote. */
  channelIdentity(conversationId: string, channel: Channel): Promise<{ identity: string; lastInboundAt: number } | undefined>;
  /** Whether a platform message id (wamid, mid) was stored before: deliveries are at least once. */
  seen(platformId: string): Promise<boolean>;
  /** Stores a messenger message and records its platform id in one transaction (a retry after a failure is not lost). */
  appendOnce(envelope: Envelope, platformId: string, announce?: Announce): Promise<{ seq: number; at: number; duplicate: boolean }>;
}

export interface Storage extends ConversationStore, DeviceStore, SiteStore, ChannelStore {
  /** Which database this is, for logs: `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';
  /** The relay's clock (tests move it forward). */
  readonly now: () => number;
  readonly quotas: Quotas;
  /** Encrypted attachments, kept beside the records. */
  readonly blobs: BlobStore;
  /**
   * Where any of these values (text, or bytes such as a token hash) is still held, as `table.column`
   * entries: an audit that searches every column of every table, so a table added later is searched too.
   */
  holding(values: (string | Buffer)[]): Promise<string[]>;
  /** Rows per table, for operators and benchmarks. */
  rowCounts(): Promise<Record<string, number>>;
  /**
   * Runs `work` while holding the lock `name`, shared by every relay on this database; resolves
   * undefined, without running it, while another holder has it (the retention sweep runs on one relay at a time).
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  /** Whether the database answers now (for `/readyz`). */
  ready(): Promise<boolean>;
  /** Whether the database is open (false once `close` was called). */
  readonly open: boolean;
  close(): Promise<void>;
}
