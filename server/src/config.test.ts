import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, readMetricsToken, storageLabel } from './config.ts';

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

describe('the relay’s log level and metrics token', () => {
  it('logs at info unless --log-level or THREADLINE_LOG_LEVEL says otherwise, and refuses an unknown level', () => {
    expect(readConfig([], {}).logLevel).toBe('info');
    expect(readConfig([], { THREADLINE_LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(readConfig(['--log-level', 'debug'], { THREADLINE_LOG_LEVEL: 'warn' }).logLevel).toBe('debug');
    expect(readConfig(['--log-level=silent'], {}).logLevel).toBe('silent');
    expect(() => readConfig(['--log-level', 'loud'], {})).toThrow(ConfigError);
    expect(() => readConfig([], { THREADLINE_LOG_LEVEL: 'INFO' })).toThrow(/^Threadline: failed to start the relay: log level 'INFO' is not one of fatal, error, warn, info, debug, trace, silent\./);
  });

  it('names a mistyped option without its value, so a password in it stays out of the log', () => {
    expect(() => readConfig(['--databse-url=postgres://relay:secret@db/threadline'], {})).toThrow(/unknown option '--databse-url'\. Usage/);
    expect(() => readConfig(['--databse-url=postgres://relay:secret@db/threadline'], {})).not.toThrow(/secret/);
  });

  it('serves /metrics only with a token of 32 or more visible characters from THREADLINE_METRICS_TOKEN', () => {
    expect(readMetricsToken({})).toBeUndefined();
    expect(readMetricsToken({ THREADLINE_METRICS_TOKEN: '' })).toBeUndefined();
    const token = '0123456789abcdef0123456789abcdef';
    expect(readMetricsToken({ THREADLINE_METRICS_TOKEN: token })).toBe(token);
    for (const bad of [token.slice(1), `${token} x`, `${token}\n`]) {
      expect(() => readMetricsToken({ THREADLINE_METRICS_TOKEN: bad })).toThrow(ConfigError);
    }
  });
});
