/** @threadline/server — the relay as a library. The `threadline-relay` bin wraps it. */
export { createRelay } from './relay.ts';
export { readConfig, ConfigError, USAGE } from './config.ts';
export { defaultMounts } from './mounts.ts';
export { shutdownOnSignals } from './shutdown.ts';
export { Store } from './store.ts';

export type { Relay, RelayOptions } from './relay.ts';
export type { RelayConfig } from './config.ts';
export type { StaticMount } from './static.ts';
export type { NewAgent, Principal, Site } from './store.ts';
