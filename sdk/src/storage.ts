/**
 * The main thread's IndexedDB: small session records and the outbox of envelopes not yet
 * acknowledged by the relay. When IndexedDB is unavailable (blocked, private mode) it falls back
 * to memory and says so through `persistent`.
 */
import { openDB } from 'idb';
import type { Envelope } from './protocol.ts';

export interface Storage {
  readonly persistent: boolean;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  outbox: {
    put(envelope: Envelope): Promise<void>;
    delete(id: string): Promise<void>;
    all(): Promise<Envelope[]>;
  };
}

export async function openStorage(scope: string): Promise<Storage> {
  try {
    return await openIndexedDb(scope);
  } catch {
    return memoryStorage();
  }
}

async function openIndexedDb(scope: string): Promise<Storage> {
  const db = await openDB('threadline', 1, {
    upgrade(database) {
      database.createObjectStore('session');
      database.createObjectStore('outbox');
    },
  });
  const key = (name: string) => `${scope}|${name}`;
  const everything = IDBKeyRange.bound(key(''), key('\uffff'));
  return {
    persistent: true,
    get: (name) => db.get('session', key(name)),
    set: async (name, value) => void (await db.put('session', value, key(name))),
    delete: (name) => db.delete('session', key(name)),
    outbox: {
      put: async (envelope) => void (await db.put('outbox', envelope, key(envelope.id))),
      delete: (id) => db.delete('outbox', key(id)),
      all: () => db.getAll('outbox', everything),
    },
  };
}

export function memoryStorage(): Storage {
  const session = new Map<string, unknown>();
  const outbox = new Map<string, Envelope>();
  return {
    persistent: false,
    get: async <T>(name: string) => session.get(name) as T | undefined,
    set: async (name, value) => void session.set(name, value),
    delete: async (name) => void session.delete(name),
    outbox: {
      put: async (envelope) => void outbox.set(envelope.id, envelope),
      delete: async (id) => void outbox.delete(id),
      all: async () => [...outbox.values()],
    },
  };
}
