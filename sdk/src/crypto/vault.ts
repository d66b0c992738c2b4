/**
 * The worker's IndexedDB: this device's keys, its sessions, the organisation keys (agents), the
 * trusted organisation key, and the local history, whose contents are encrypted at rest under a
 * non-extractable key. Everything is scoped by `<relay origin>/<site>`.
 * `commit` writes a step's changes (sessions, keys, history) in one transaction, so a ciphertext
 * leaves the worker only after the ratchet state that produced it is stored.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { Channel, Role } from '../protocol.ts';
import type { DeviceSecrets } from './device.ts';
import { fromUtf8, randomBytes, toBase64Url, fromBase64Url, utf8 } from './encoding.ts';
import { aesGcmDecrypt, aesGcmEncrypt } from './primitives.ts';
import type { Session } from './session.ts';

const STORES = ['devices', 'sessions', 'org', 'trust', 'history'] as const;
type StoreName = (typeof STORES)[number];

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
  /** The messenger a message came in from (sealed by the relay, not end to end). */
  channel?: Channel;
  content: unknown;
}

interface StoredHistory extends Omit<HistoryEntry, 'content'> {
  iv: string;
  ct: string;
}

let db: Promise<IDBPDatabase> | undefined;
const open = () =>
  (db ??= openDB('threadline-crypto', 1, {
    upgrade(database) {
      for (const name of STORES) database.createObjectStore(name);
    },
  }));

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
    const range = IDBKeyRange.bound(this.#key(''), this.#key('\uffff'));
    const keys = (await database.getAllKeys('sessions', range)) as string[];
    const values = (await database.getAll('sessions', range)) as Session[][];
    return keys.map((key, i) => [key.slice(this.scope.length + 1), values[i]!]);
  }

  /** Writes session and key changes, and history entries, in one transaction. */
  async commit(changes: { device?: DeviceRecord; sessions?: [string, Session[] | undefined][]; history?: HistoryEntry[]; atRest?: CryptoKey }): Promise<void> {
    const history = await Promise.all((changes.history ?? []).map((entry) => this.#seal(entry, changes.atRest!)));
    const database = await open();
    const tx = database.transaction(['devices', 'sessions', 'history'], 'readwrite');
    if (changes.device) void tx.objectStore('devices').put(changes.device, this.#key());
    for (const [peer, sessions] of changes.sessions ?? []) {
      if (sessions) void tx.objectStore('sessions').put(sessions, this.#key(peer));
      else void tx.objectStore('sessions').delete(this.#key(peer));
    }
    for (const entry of history) void tx.objectStore('history').put(entry, this.#key(entry.conversationId, entry.id));
    await tx.done;
  }

  async history(conversationId: string, atRest: CryptoKey): Promise<HistoryEntry[]> {
    const range = IDBKeyRange.bound(this.#key(conversationId, ''), this.#key(conversationId, '\uffff'));
    const stored = (await (await open()).getAll('history', range)) as StoredHistory[];
    return Promise.all(stored.map((entry) => this.#open(entry, atRest)));
  }

  async historyEntry(conversationId: string, id: string, atRest: CryptoKey): Promise<HistoryEntry | undefined> {
    const stored = await this.get<StoredHistory>('history', conversationId, id);
    return stored && this.#open(stored, atRest);
  }

  /** Crypto-shredding: deletes a conversation's history (and, for a visitor, every key of this scope). */
  async forget(conversationId: string, everything: boolean): Promise<void> {
    const database = await open();
    const tx = database.transaction(STORES, 'readwrite');
    void tx.objectStore('history').delete(IDBKeyRange.bound(this.#key(conversationId, ''), this.#key(conversationId, '\uffff')));
    if (everything) {
      for (const name of STORES) {
        void tx.objectStore(name).delete(this.#key());
        void tx.objectStore(name).delete(IDBKeyRange.bound(this.#key(''), this.#key('\uffff')));
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
