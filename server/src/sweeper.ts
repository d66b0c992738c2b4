/**
 * Deletes expired conversations on a schedule: envelopes, blobs, the visitor's device and tokens,
 * then tells the open sockets, on every relay, so browsers destroy their copy too; and closes
 * agents' sockets whose session has expired. `now` is the relay's clock.
 * Relays sharing a database take turns: a sweep runs under a lock only one of them holds at a time.
 */
import type { Hub } from './hub.ts';
import type { Logger } from './log.ts';
import type { Storage } from './storage/index.ts';

export function startSweeper(store: Storage, hub: Hub, now: () => number, intervalMs: number, log: Logger): { sweep(): Promise<number>; stop(): void } {
  /** How many conversations it deleted; 0 when another relay is sweeping. */
  const sweep = async () => {
    // An agent's socket lasts no longer than its session token (the sweep deletes the token next).
    // Each relay closes its own sockets: the clock, not the database, says when.
    hub.closeExpiredSessions(now());
    const deleted = await store.exclusive('sweep', async () => {
      const expired = await store.deleteExpired(now());
      for (const { id, site } of expired) {
        await store.blobs.deleteConversation(id);
        // The visitor's widget shreds its copy on this frame; agents drop the thread from the inbox.
        await hub.toConversation(site, id, { type: 'expired', conversationId: id });
        await hub.closeConversation(id);
      }
      return expired.length;
    });
    return deleted ?? 0;
  };
  /** One sweep at a time: a slow one is not overlapped by the next tick. */
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= sweep()
      .catch((error: unknown) => {
        if (store.open) log.error({ err: error }, 'retention sweep failed');
      })
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    sweep,
    stop: () => clearInterval(timer),
  };
}
