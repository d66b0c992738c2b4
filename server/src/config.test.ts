import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, storageLabel } from './config.ts';

describe('the relay’s storage settings', () => {
  it('keeps data in SQLite in the data directory unless a PostgreSQL URL is given by flag or environment', () => {
    expect(readConfig(['--data-dir', '/srv/threadline'], {})).not.toHaveProperty('databaseUrl');
    const url = 'postgres://relay:secret@db.internal:5432/threadline';
    expect(readConfig(['--database-url', url], {}).databaseUrl).toBe(url);
    expect(readConfig([], { THREADLINE_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(readConfig([`--database-url=${url}`], { THREADLINE_DATABASE_URL: 'postgres://other/db' }).databaseUrl).toBe(url);
    expect(storageLabel(readConfig([], { THREADLINE_DATABASE_URL: url }))).toBe('PostgreSQL at db.internal:5432/threadline'); // no password in logs
  });

  it('refuses a database URL that is not PostgreSQL’s, in the relay’s voice', () => {
    for (const bad of ['mysql://db/threadline', 'postgres://db.internal:5432', 'threadline.sqlite']) {
      expect(() => readConfig(['--database-url', bad], {})).toThrow(ConfigError);
      expect(() => readConfig(['--database-url', bad], {})).toThrow(/^Threadline: failed to start the relay: the database URL/);
    }
  });
});
