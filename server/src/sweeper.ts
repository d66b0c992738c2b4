/**
 * Deletes expired conversations on a schedule: envelopes, blobs, the visitor's device and tokens,
 * then tells the open sockets so browsers destroy their copy too; and closes agents' sockets whose
 * session has expired. `now` is the relay's clock.
 */
import type { Hub } from './hub.ts';
import type { Store } from './store.ts';
import type { Blobs } from './blobs.ts';

export function startSweeper(store: Store, hub: Hub, blobs: Blobs, now: () => number, intervalMs: number): { sweep(): number; stop(): void } {
  const sweep = () => {
    // An agent's socket lasts no longer than its session token (the sweep deletes the token next).
    hub.closeExpiredSessions(now());
    const expired = store.deleteExpired(now());
    for (const { id, site } of expired) {
      blobs.deleteConversation(id);
      // The visitor's widget shreds its copy on this frame; agents drop the thread from the inbox.
      hub.toConversation(site, id, { type: 'expired', conversationId: id });
      hub.closeConversation(id);
    }
    return expired.length;
  };
  const timer = setInterval(() => {
    try {
      sweep();
    } catch (error) {
      console.error('threadline-relay: retention sweep failed', error);
    }
  }, intervalMs);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
