/**
 * Deletes expired conversations on a schedule: envelopes, blobs, the visitor's device and tokens,
 * then tells the open sockets so browsers destroy their copy too; and closes agents' sockets whose
 * session has expired. `now` is the relay's clock.
 */
import type { Hub } from './hub.ts';
import type { Storage } from './storage/index.ts';

export function startSweeper(store: Storage, hub: Hub, now: () => number, intervalMs: number): { sweep(): Promise<number>; stop(): void } {
  const sweep = async () => {
    // An agent's socket lasts no longer than its session token (the sweep deletes the token next).
    hub.closeExpiredSessions(now());
    const expired = await store.deleteExpired(now());
    for (const { id, site } of expired) {
      await store.blobs.deleteConversation(id);
      // The visitor's widget shreds its copy on this frame; agents drop the thread from the inbox.
      hub.toConversation(site, id, { type: 'expired', conversationId: id });
      hub.closeConversation(id);
    }
    return expired.length;
  };
  /** One sweep at a time: a slow one is not overlapped by the next tick. */
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= sweep()
      .catch((error: unknown) => {
        if (store.open) console.error('threadline-relay: retention sweep failed', error);
      })
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    sweep,
    stop: () => clearInterval(timer),
  };
}
