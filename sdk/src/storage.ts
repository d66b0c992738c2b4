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
    get(id: string): Promise<Envelope | undefined>;
    delete(id: string): Promise<void>;
    /** In the order the envelopes were written. */
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
  // Message id → outbox key, read once, so an ack finds its envelope without scanning the outbox.
  let keys: Map<string, string> | undefined;
  const index = async () => (keys ??= new Map(((await done(store('outbox').getAllKeys(everything))) as string[]).map((k) => [k.slice(k.lastIndexOf('|') + 1), k])));
  return {
    persistent: true,
    get: (name) => done(store('session').get(key(name))),
    set: async (name, value) => void (await done(store('session', true).put(value, key(name)))),
    delete: async (name) => void (await done(store('session', true).delete(key(name)))),
    outbox: {
      async put(envelope) {
        const at = key(`${order()}|${envelope.id}`);
        await done(store('outbox', true).put(envelope, at));
        (await index()).set(envelope.id, at);
      },
      async get(id) {
        const at = (await index()).get(id);
        return at ? done(store('outbox').get(at)) : undefined;
      },
      async delete(id) {
        const map = await index();
        const at = map.get(id);
        map.delete(id);
        if (at) await done(store('outbox', true).delete(at));
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
      get: async (id) => outbox.get(id),
      delete: async (id) => void outbox.delete(id),
      all: async () => [...outbox.values()],
    },
  };
}
