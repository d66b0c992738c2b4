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
  const stop = () => {
    if (stopping) return exit(1);
    stopping = true;
    relay.close().then(
      () => exit(0),
      (error: unknown) => {
        console.error('threadline-relay: shutdown failed', error);
        exit(1);
      },
    );
  };
  signals.on('SIGINT', stop);
  signals.on('SIGTERM', stop);
}
