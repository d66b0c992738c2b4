/**
 * Opens the storage the relay is configured for: PostgreSQL when a database URL is given
 * (THREADLINE_DATABASE_URL, --database-url), otherwise SQLite in the data directory.
 */
import type { Logger } from '../log.ts';
import { DEFAULT_QUOTAS, type Quotas } from '../quotas.ts';
import { openPostgresStorage } from './postgres/store.ts';
import { openSqliteStorage } from './sqlite/store.ts';
import type { Storage } from './storage.ts';

export interface StorageOptions {
  /** The data directory: the SQLite file and attachment blobs (unused with a database URL). */
  dataDir: string;
  /** `postgres://user:password@host:port/database`: keep everything in PostgreSQL instead. */
  databaseUrl?: string | undefined;
  now?: () => number;
  quotas?: Quotas;
  /** Where a dropped PostgreSQL connection is logged (default: JSON lines on stdout). */
  log?: Logger;
}

export const isDatabaseUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const now = options.now ?? Date.now;
  const quotas = options.quotas ?? DEFAULT_QUOTAS;
  if (options.databaseUrl !== undefined) {
    if (!isDatabaseUrl(options.databaseUrl)) {
      throw new Error('Threadline: failed to open the storage: the database URL does not start with postgres://. Give one like postgres://user:password@host:5432/threadline.');
    }
    return openPostgresStorage(options.databaseUrl, now, quotas, options.log);
  }
  return openSqliteStorage(options.dataDir, now, quotas);
}
