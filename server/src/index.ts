/** @threadline/server — the relay as a library. The `threadline-relay` bin wraps it. */
export { createRelay } from './relay.ts';
export { readConfig, storageLabel, readLimits, readMetaConfig, readMetricsToken, readTestClock, readTrustProxy, ConfigError, USAGE } from './config.ts';
export { createLogger, LOG_LEVELS } from './log.ts';
export { DEFAULT_LIMITS } from './rate-limit.ts';
export { defaultMounts } from './mounts.ts';
export { shutdownOnSignals } from './shutdown.ts';
export { openStorage } from './storage/index.ts';

export { signBody } from './channels/signature.ts';
export type { MetaConfig, Relay, RelayOptions } from './relay.ts';
export type { RelayConfig, TestClock } from './config.ts';
export type { Logger, LogLevel } from './log.ts';
export type { Limits, Rate } from './rate-limit.ts';
export type { StaticMount } from './static.ts';
export type { NewAgent, Principal, Site, SiteChannels, Storage, StorageOptions } from './storage/index.ts';
