/** The records the relay's storage holds and returns, whichever database keeps them. */
import type { AgentRole, ConversationSummary, KeyBackup, Retention, SignedDirectory } from '@threadline/sdk/protocol';

/** What storing one envelope came to: its sequence number, and the JSON text stored. */
export interface Appended {
  seq: number;
  at: number;
  /** True when the client id was stored before: `seq` and `at` are the original's. */
  duplicate: boolean;
  /** The envelope as stored (JSON, without `seq` and `at`); empty for a duplicate. */
  body: string;
}

/**
 * Makes the notification a store sends inside the transaction that stores an envelope, for the
 * other relays on its database (PostgreSQL NOTIFY). SQLite serves one relay and sends none.
 */
export type Announce = (stored: Appended) => { channel: string; payload: string };

/** An envelope as stored: its JSON text (without `seq` and `at`), for forwarding without parsing it again. */
export interface StoredText {
  body: string;
  seq: number;
  at: number;
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

/** A site's messenger accounts: the public part (phone, page, username) and the account id webhooks name. */
export interface SiteChannels {
  whatsapp?: { phone: string; account: string };
  messenger?: { page: string; account: string };
  instagram?: { username: string; account: string };
}

/** The bytes a conversation and its site keep, for the storage quotas. */
export interface Usage {
  conversation: number;
  site: number;
}

/** An envelope was sent to a conversation that no longer exists. */
export class GoneError extends Error {
  constructor(conversationId: string) {
    super(`conversation ${conversationId} does not exist`);
  }
}

/** A visitor registered with a device id that already exists (another visitor's, or an agent's). */
export class DeviceTakenError extends Error {}

/** Setting up an organisation's keys found a different organisation key already set. */
export class OrgKeyTakenError extends Error {}

/** How long an agent's session token lasts. */
export const AGENT_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
/** How long an invitation code lasts. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Meta retries a webhook delivery for up to a week: platform ids without a conversation are kept that long. */
export const SEEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
