/**
 * The worker's IndexedDB: this device's keys, its sessions, the organisation keys (agents), the
 * trusted organisation key, and the local history, whose contents are encrypted at rest under a
 * non-extractable key. Everything is scoped by `<relay origin>/<site>`.
 * `commit` writes a step's changes (sessions, keys, history, outbox) in one transaction, so a
 * ciphertext leaves the worker only after the ratchet state that produced it is stored, and an
 * envelope waits in the outbox exactly as long as its message shows as sending.
 * Without IndexedDB (blocked, some private modes) the same stores live in memory: `persistent` says so.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { Audience, Channel, Envelope, Role } from '../protocol.ts';
import type { DeviceSecrets } from './device.ts';
import { fromUtf8, randomBytes, toBase64Url, fromBase64Url, utf8 } from './encoding.ts';
import { aesGcmDecrypt, aesGcmEncrypt } from './primitives.ts';
import type { Session } from './session.ts';

const STORES = ['devices', 'sessions', 'org', 'trust', 'history', 'outbox'] as const;
type StoreName = (typeof STORES)[number];
type Database = Pick<IDBPDatabase, 'get' | 'put' | 'getAll' | 'getAllKeys' | 'transaction'>;

export interface OrgKeys {
  orgKey: CryptoKeyPair;
  inboxKey: CryptoKeyPair;
  orgPublic: string;
  inboxPublic: string;
}

export interface Trust {
  /** The organisation's Ed25519 public key, base64url. */
  orgKey: string;
  /** Whether it was pinned by the site (`data-org-key`) or trusted on first use. */
  pinned: boolean;
  /** Highest directory version seen: an older one is a rollback. */
  version: number;
}

export interface DeviceRecord {
  role: Role;
  keys: DeviceSecrets;
  atRest: CryptoKey;
}

/** A message in the local history, as the UI shows it. */
export interface HistoryEntry {
  conversationId: string;
  id: string;
  from: Role;
  device: string;
  at: number;
  seq?: number;
  status: 'sending' | 'sent' | 'unreadable' | 'failed';
  /** When the conversation ends, as bound into this message's associated data. */
  expiresAt?: number;
  /** The messenger a message came in from (sealed by the relay, not end to end). */
  channel?: Channel;
  /** `agents`: an internal note (as bound into its encryption). */
  audience?: Audience | undefined;
  content: unknown;
}

interface StoredHistory extends Omit<HistoryEntry, 'content'> {
  iv: string;
  ct: string;
}

interface Outgoing {
  /** Orders the outbox as the messages were written. */
  n: number;
  envelope: Envelope;
}

let db: Promise<Database> | undefined;
/** Whether the vault is in IndexedDB (false: in memory, gone when the page closes). */
export let persistent = true;
const open = () =>
  (db ??= Promise.resolve()
    .then(() =>
      openDB('threadline-crypto', 2, {
        upgrade(database) {
          for (const name of STORES) if (!database.objectStoreNames.contains(name)) database.createObjectStore(name);
        },
      }),
    )
    .catch(() => {
      persistent = false;
      return memoryDatabase();
    }));
let written = 0;

type Range = { lower: string; upper: string };
/** A key range, also where IndexedDB is missing. */
const bound = (lower: string, upper: string) => (typeof IDBKeyRange === 'function' ? IDBKeyRange.bound(lower, upper) : ({ lower, upper } as IDBKeyRange));

/** The stores in memory: the part of idb's API the vault uses. */
function memoryDatabase(): Database {
  const stores = new Map<string, Map<string, unknown>>(STORES.map((name) => [name, new Map()]));
  const pick = (name: string, range: Range) => [...stores.get(name)!].filter(([key]) => key >= range.lower && key <= range.upper).sort(([a], [b]) => (a < b ? -1 : 1));
  const store = (name: string) => ({
    put: async (value: unknown, key: string) => void stores.get(name)!.set(key, value),
    delete: async (key: string | Range) => {
      for (const k of typeof key === 'string' ? [key] : pick(name, key).map(([k]) => k)) stores.get(name)!.delete(k);
    },
  });
  return {
    get: async (name: string, key: string) => stores.get(name)!.get(key),
    put: async (name: string, value: unknown, key: string) => void stores.get(name)!.set(key, value),
    getAll: async (name: string, range: Range) => pick(name, range).map(([, value]) => value),
    getAllKeys: async (name: string, range: Range) => pick(name, range).map(([key]) => key),
    transaction: () => ({ objectStore: store, done: Promise.resolve() }),
  } as unknown as Database;
}

/** Names the last commit of a scope's keys and sessions: a worker that did not write it reloads them. */
export const GENERATION = 'generation';

export class Vault {
  constructor(readonly scope: string) {}

  #key = (...parts: string[]) => [this.scope, ...parts].join('|');

  async get<T>(store: StoreName, ...key: string[]): Promise<T | undefined> {
    return (await open()).get(store, this.#key(...key));
  }

  async put(store: StoreName, value: unknown, ...key: string[]): Promise<void> {
    await (await open()).put(store, value, this.#key(...key));
  }

  async sessions(): Promise<[string, Session[]][]> {
    const database = await open();
    const range = bound(this.#key(''), this.#key('\uffff'));
    const keys = (await database.getAllKeys('sessions', range)) as string[];
    const values = (await database.getAll('sessions', range)) as Session[][];
    return keys.map((key, i) => [key.slice(this.scope.length + 1), values[i]!]);
  }

  /** Writes session and key changes, history entries, and outbox changes, in one transaction. */
  async commit(changes: { device?: DeviceRecord; sessions?: [string, Session[] | undefined][]; history?: HistoryEntry[]; atRest?: CryptoKey; send?: Envelope; sent?: string; generation?: string }): Promise<void> {
    const history = await Promise.all((changes.history ?? []).map((entry) => this.#seal(entry, changes.atRest!)));
    const database = await open();
    const tx = database.transaction(['devices', 'sessions', 'history', 'outbox'], 'readwrite');
    if (changes.send) void tx.objectStore('outbox').put({ n: Date.now() * 1000 + (written++ % 1000), envelope: changes.send } satisfies Outgoing, this.#key(changes.send.id));
    if (changes.sent) void tx.objectStore('outbox').delete(this.#key(changes.sent));
    if (changes.device) void tx.objectStore('devices').put(changes.device, this.#key());
    if (changes.generation) void tx.objectStore('devices').put(changes.generation, this.#key(GENERATION));
    for (const [peer, sessions] of changes.sessions ?? []) {
      if (sessions) void tx.objectStore('sessions').put(sessions, this.#key(peer));
      else void tx.objectStore('sessions').delete(this.#key(peer));
    }
    for (const entry of history) void tx.objectStore('history').put(entry, this.#key(entry.conversationId, entry.id));
    await tx.done;
  }

  /** Envelopes not yet acknowledged by the relay, in the order they were written. */
  async outbox(): Promise<Envelope[]> {
    const waiting = (await (await open()).getAll('outbox', bound(this.#key(''), this.#key('\uffff')))) as Outgoing[];
    return waiting.sort((a, b) => a.n - b.n).map((o) => o.envelope);
  }

  async outgoing(id: string): Promise<Envelope | undefined> {
    return (await this.get<Outgoing>('outbox', id))?.envelope;
  }

  async history(conversationId: string, atRest: CryptoKey): Promise<HistoryEntry[]> {
    const range = bound(this.#key(conversationId, ''), this.#key(conversationId, '\uffff'));
    const stored = (await (await open()).getAll('history', range)) as StoredHistory[];
    return Promise.all(stored.map((entry) => this.#open(entry, atRest)));
  }

  async historyEntry(conversationId: string, id: string, atRest: CryptoKey): Promise<HistoryEntry | undefined> {
    const stored = await this.get<StoredHistory>('history', conversationId, id);
    return stored && this.#open(stored, atRest);
  }

  /** Each conversation in the history: the earliest expiry its messages carry, and its web visitor's device. */
  async expiries(): Promise<Map<string, { expiresAt: number; visitor?: string }>> {
    const stored = (await (await open()).getAll('history', bound(this.#key(''), this.#key('\uffff')))) as StoredHistory[];
    const found = new Map<string, { expiresAt: number; visitor?: string }>();
    for (const { conversationId, expiresAt, from, device, channel } of stored) {
      if (expiresAt === undefined) continue;
      const known = found.get(conversationId);
      const visitor = from === 'visitor' && !channel ? device : known?.visitor;
      found.set(conversationId, { expiresAt: Math.min(expiresAt, known?.expiresAt ?? Infinity), ...(visitor ? { visitor } : {}) });
    }
    return found;
  }

  /** Crypto-shredding: deletes a conversation's history (and, for a visitor, every key of this scope). */
  async forget(conversationId: string, everything: boolean): Promise<void> {
    const database = await open();
    const tx = database.transaction(STORES, 'readwrite');
    void tx.objectStore('history').delete(bound(this.#key(conversationId, ''), this.#key(conversationId, '\uffff')));
    if (everything) {
      // The trusted organisation key and the highest directory version seen outlive a conversation:
      // forgetting them would let a relay replay an older directory to the next one.
      for (const name of STORES.filter((store) => store !== 'trust')) {
        void tx.objectStore(name).delete(this.#key());
        void tx.objectStore(name).delete(bound(this.#key(''), this.#key('\uffff')));
      }
    }
    await tx.done;
  }

  async #seal({ content, ...entry }: HistoryEntry, atRest: CryptoKey): Promise<StoredHistory> {
    const iv = randomBytes(12);
    const ct = await aesGcmEncrypt(atRest, iv, utf8(JSON.stringify(content ?? null)), utf8(`${entry.conversationId}\n${entry.id}`));
    return { ...entry, iv: toBase64Url(iv), ct: toBase64Url(ct) };
  }

  async #open({ iv, ct, ...entry }: StoredHistory, atRest: CryptoKey): Promise<HistoryEntry> {
    const plaintext = await aesGcmDecrypt(atRest, fromBase64Url(iv), fromBase64Url(ct), utf8(`${entry.conversationId}\n${entry.id}`));
    return { ...entry, content: JSON.parse(fromUtf8(plaintext)) as unknown };
  }
}
