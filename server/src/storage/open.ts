/** Opens the storage the relay is configured for: SQLite in the data directory by default. */
import { DEFAULT_QUOTAS, type Quotas } from '../quotas.ts';
import { openSqliteStorage } from './sqlite/store.ts';
import type { Storage } from './storage.ts';

export interface StorageOptions {
  /** The data directory: the SQLite file and attachment blobs. */
  dataDir: string;
  now?: () => number;
  quotas?: Quotas;
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  return openSqliteStorage(options.dataDir, options.now ?? Date.now, options.quotas ?? DEFAULT_QUOTAS);
}
