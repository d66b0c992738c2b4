import type { Relay } from './relay.ts';

/** Closes the relay cleanly on SIGINT/SIGTERM so the database is checkpointed and closed. */
export function shutdownOnSignals(relay: Relay): void {
  const stop = () => {
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
