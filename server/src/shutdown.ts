import type { Relay } from './relay.ts';

interface Signals {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * Drains the relay on SIGINT/SIGTERM: no new connections, sockets told to reconnect (1012),
 * requests in flight finished, the database closed (its log checkpointed). A second signal exits at once.
 */
export function shutdownOnSignals(relay: Relay, signals: Signals = process, exit: (code: number) => void = (code) => process.exit(code)): void {
  let stopping = false;
  const stop = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopping) return exit(1);
    stopping = true;
    relay.log.info({ signal }, 'draining');
    relay.close().then(
      () => {
        relay.log.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        relay.log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  signals.on('SIGINT', () => stop('SIGINT'));
  signals.on('SIGTERM', () => stop('SIGTERM'));
}
