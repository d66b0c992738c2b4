/** The relay's settings from command-line flags, then environment variables, then defaults. */
import { resolve } from 'node:path';
import type { MetaConfig } from './relay.ts';

export interface RelayConfig {
  host: string;
  port: number;
  dataDir: string;
  maxBlobBytes: number;
  /** New visitor registrations allowed per client address per minute (the bucket holds as many). */
  visitorsPerMinute: number;
}

export const USAGE = `Usage: threadline-relay [--host 127.0.0.1] [--port 8787] [--data-dir ./threadline-data] [--max-blob-bytes 26214400]
Each flag can also be set as THREADLINE_HOST, THREADLINE_PORT, THREADLINE_DATA_DIR, THREADLINE_MAX_BLOB_BYTES.
THREADLINE_VISITORS_PER_MINUTE sets how many visitors one address may register per minute (60).`;

export class ConfigError extends Error {}

export function readConfig(argv: string[], env: NodeJS.ProcessEnv, defaults: Partial<RelayConfig> = {}): RelayConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(host|port|data-dir|max-blob-bytes)(?:=(.*))?$/.exec(arg);
    if (!match) throw new ConfigError(`Threadline: failed to start the relay: unknown option '${arg}'. ${USAGE}`);
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
  const visitorsText = env.THREADLINE_VISITORS_PER_MINUTE ?? String(defaults.visitorsPerMinute ?? 60);
  if (!/^[1-9]\d*$/.test(visitorsText)) {
    throw new ConfigError(`Threadline: failed to start the relay: THREADLINE_VISITORS_PER_MINUTE '${visitorsText}' is not a positive whole number. Set it to 60, for example.`);
  }
  const dataDir = resolve(flags.get('data-dir') ?? env.THREADLINE_DATA_DIR ?? defaults.dataDir ?? 'threadline-data');
  return { host, port, dataDir, maxBlobBytes: Number(blobText), visitorsPerMinute: Number(visitorsText) };
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
