/** The relay's settings from command-line flags, then environment variables, then defaults. */
import { resolve } from 'node:path';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.ts';
import type { MetaConfig } from './relay.ts';
import { DEFAULT_QUOTAS, type Quotas } from './quotas.ts';
import { DEFAULT_LIMITS, type Limits } from './rate-limit.ts';

export interface RelayConfig {
  host: string;
  port: number;
  dataDir: string;
  maxBlobBytes: number;
  /** PostgreSQL instead of SQLite in the data directory: `postgres://user:password@host:5432/database`. */
  databaseUrl?: string;
  /** The least severe log lines written (default info). */
  logLevel: LogLevel;
}

export const USAGE = `Usage: threadline-relay [--host 127.0.0.1] [--port 8787] [--data-dir ./threadline-data] [--max-blob-bytes 26214400] [--database-url postgres://user:password@host:5432/threadline] [--log-level info]
Each flag can also be set as THREADLINE_HOST, THREADLINE_PORT, THREADLINE_DATA_DIR, THREADLINE_MAX_BLOB_BYTES, THREADLINE_DATABASE_URL, THREADLINE_LOG_LEVEL.
Without a database URL the relay keeps everything in SQLite in the data directory. THREADLINE_METRICS_TOKEN turns on /metrics for scrapes that send it as a bearer token.`;

export class ConfigError extends Error {}

export function readConfig(argv: string[], env: NodeJS.ProcessEnv, defaults: Partial<RelayConfig> = {}): RelayConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(host|port|data-dir|max-blob-bytes|database-url|log-level)(?:=(.*))?$/.exec(arg);
    // The option's name only: a mistyped `--databse-url=postgres://user:password@…` must not put its password in the log.
    if (!match) throw new ConfigError(`Threadline: failed to start the relay: unknown option '${arg.split('=')[0]}'. ${USAGE}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new ConfigError(`Threadline: failed to start the relay: ${arg} needs a value. ${USAGE}`);
    flags.set(match[1]!, value);
  }
  const host = flags.get('host') ?? env.THREADLINE_HOST ?? defaults.host ?? '127.0.0.1';
  const portText = flags.get('port') ?? env.THREADLINE_PORT ?? String(defaults.port ?? 8787);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`Threadline: failed to start the relay: port '${portText}' is not a number from 0 to 65535. Pass --port 8787.`);
  }
  const blobText = flags.get('max-blob-bytes') ?? env.THREADLINE_MAX_BLOB_BYTES ?? String(25 * 1024 * 1024);
  if (!/^\d+$/.test(blobText)) {
    throw new ConfigError(`Threadline: failed to start the relay: max-blob-bytes '${blobText}' is not a whole number of bytes. Pass --max-blob-bytes 26214400.`);
  }
  const dataDir = resolve(flags.get('data-dir') ?? env.THREADLINE_DATA_DIR ?? defaults.dataDir ?? 'threadline-data');
  const databaseUrl = flags.get('database-url') ?? (env.THREADLINE_DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(databaseUrl)) {
    throw new ConfigError('Threadline: failed to start the relay: the database URL is not a postgres:// URL with a database name. Pass --database-url postgres://user:password@host:5432/threadline (or set THREADLINE_DATABASE_URL).');
  }
  const logLevel = flags.get('log-level') ?? (env.THREADLINE_LOG_LEVEL || 'info');
  if (!isLogLevel(logLevel)) {
    throw new ConfigError(`Threadline: failed to start the relay: log level '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}. Pass --log-level info.`);
  }
  return { host, port, dataDir, maxBlobBytes: Number(blobText), logLevel, ...(databaseUrl ? { databaseUrl } : {}) };
}

/** The shortest metrics token accepted: 32 characters (`openssl rand -hex 16` makes one). */
export const MIN_METRICS_TOKEN = 32;

/** Throws ConfigError unless `token` is a bearer token hard to guess: 32 or more visible ASCII characters, no spaces. */
export function checkMetricsToken(token: string): void {
  if (token.length < MIN_METRICS_TOKEN || !/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(`Threadline: failed to start the relay: the metrics token is not ${MIN_METRICS_TOKEN} or more visible ASCII characters without spaces. Set THREADLINE_METRICS_TOKEN to a random one, such as the output of openssl rand -hex 16.`);
  }
}

/** `THREADLINE_METRICS_TOKEN`: serve `/metrics` to scrapes that send it as a bearer token; unset, no `/metrics`. */
export function readMetricsToken(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.THREADLINE_METRICS_TOKEN || undefined;
  if (token !== undefined) checkMetricsToken(token);
  return token;
}

/** The Meta app, from the environment; undefined (no messengers) without an app secret. */
export function readMetaConfig(env: NodeJS.ProcessEnv): MetaConfig | undefined {
  if (!env.THREADLINE_META_APP_SECRET) return undefined;
  if (!env.THREADLINE_META_VERIFY_TOKEN) {
    throw new ConfigError('Threadline: failed to start the relay: THREADLINE_META_APP_SECRET is set but THREADLINE_META_VERIFY_TOKEN is not. Set both (the token you enter in the Meta app dashboard).');
  }
  return {
    appSecret: env.THREADLINE_META_APP_SECRET,
    verifyToken: env.THREADLINE_META_VERIFY_TOKEN,
    graphUrl: env.THREADLINE_GRAPH_URL ?? 'https://graph.facebook.com/v21.0',
    tokens: {
      ...(env.THREADLINE_WHATSAPP_TOKEN ? { whatsapp: env.THREADLINE_WHATSAPP_TOKEN } : {}),
      ...(env.THREADLINE_MESSENGER_TOKEN ? { messenger: env.THREADLINE_MESSENGER_TOKEN } : {}),
      ...(env.THREADLINE_INSTAGRAM_TOKEN ? { instagram: env.THREADLINE_INSTAGRAM_TOKEN } : {}),
    },
  };
}

/** A clock the test suite can move forward, so retention can be exercised without waiting days. */
export interface TestClock {
  now(): number;
  advance(ms: number): number;
}

/**
 * `THREADLINE_TEST_CLOCK=1` (the demo only, never the `threadline-relay` bin): the relay's clock
 * starts at the real time and moves only forward, by `advance`. Refused off loopback, so a
 * deployment cannot expire its conversations by accident.
 */
export function readTestClock(env: NodeJS.ProcessEnv, host: string): TestClock | undefined {
  if (env.THREADLINE_TEST_CLOCK !== '1') return undefined;
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    throw new ConfigError(`Threadline: failed to start the relay: THREADLINE_TEST_CLOCK is set on host '${host}'. It is for tests on loopback only; unset it.`);
  }
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => (offset += Math.max(0, ms)),
  };
}

/**
 * `THREADLINE_LIMITS="connections=20000/20000,frames=1000/60000,siteBytes=53687091200"`: rate limits
 * that differ from the defaults, each as burst/per-minute (see `DEFAULT_LIMITS` for the kinds), and
 * storage quotas in bytes (see `DEFAULT_QUOTAS`).
 */
export function readLimits(env: NodeJS.ProcessEnv): Partial<Limits & Quotas> {
  const limits: Partial<Limits & Quotas> = {};
  for (const item of (env.THREADLINE_LIMITS ?? '').split(',').filter(Boolean)) {
    const rate = /^\s*([a-zA-Z]+)=(\d+)\/(\d+)\s*$/.exec(item);
    const quota = /^\s*([a-zA-Z]+)=(\d+)\s*$/.exec(item);
    const kind = rate?.[1] as keyof Limits | undefined;
    const quotaKind = quota?.[1] as keyof Quotas | undefined;
    if (rate && kind && Object.hasOwn(DEFAULT_LIMITS, kind) && Number(rate[2]) >= 1 && Number(rate[3]) >= 1) {
      limits[kind] = { capacity: Number(rate[2]), perMinute: Number(rate[3]) };
    } else if (quota && quotaKind && Object.hasOwn(DEFAULT_QUOTAS, quotaKind) && Number(quota[2]) >= 1) {
      limits[quotaKind] = Number(quota[2]);
    } else {
      throw new ConfigError(
        `Threadline: failed to start the relay: THREADLINE_LIMITS item '${item}' is neither kind=burst/perMinute with a kind of ${Object.keys(DEFAULT_LIMITS).join(', ')} nor quota=bytes with a quota of ${Object.keys(DEFAULT_QUOTAS).join(', ')}. Write it like connections=2000/2000 or siteBytes=21474836480.`,
      );
    }
  }
  return limits;
}

/** `THREADLINE_TRUST_PROXY=1`: the relay runs behind a reverse proxy that appends the client's address to `X-Forwarded-For`. */
export const readTrustProxy = (env: NodeJS.ProcessEnv): boolean => env.THREADLINE_TRUST_PROXY === '1';

/** Where the relay keeps its data, for its start-up line: the database without its password, or the data directory. */
export function storageLabel(config: Pick<RelayConfig, 'dataDir' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return config.dataDir;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}
