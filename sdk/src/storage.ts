/**
 * The main thread's IndexedDB: small session records and the outbox of envelopes not yet
 * acknowledged by the relay. When IndexedDB is unavailable (blocked, private mode) it falls back
 * to memory and says so through `persistent`. (Plain IndexedDB here keeps idb out of the widget's
 * bundle; the worker, which does much more with IndexedDB, uses idb.)
 */
import type { Envelope } from './protocol.ts';

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

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
  const opening = indexedDB.open('threadline', 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore('session');
    opening.result.createObjectStore('outbox');
  };
  const db = await done(opening);
  const store = (name: 'session' | 'outbox', write = false) => db.transaction(name, write ? 'readwrite' : 'readonly').objectStore(name);
  const key = (name: string) => `${scope}|${name}`;
  const everything = IDBKeyRange.bound(key(''), key('\uffff'));
  // Outbox keys sort in the order messages were written, so a reconnect resends them in that order.
  const order = () => (Date.now() * 1000 + (sequence = (sequence + 1) % 1000)).toString(36).padStart(12, '0');
  let sequence = 0;
  return {
    persistent: true,
    get: (name) => done(store('session').get(key(name))),
    set: async (name, value) => void (await done(store('session', true).put(value, key(name)))),
    delete: async (name) => void (await done(store('session', true).delete(key(name)))),
    outbox: {
      put: async (envelope) => void (await done(store('outbox', true).put(envelope, key(`${order()}|${envelope.id}`)))),
      async delete(id) {
        const keys = (await done(store('outbox').getAllKeys(everything))) as string[];
        const found = keys.find((k) => k.endsWith(`|${id}`));
        if (found) await done(store('outbox', true).delete(found));
      },
      all: () => done(store('outbox').getAll(everything)),
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
