/** Deletes expired conversations on a schedule: envelopes, blobs, the visitor's device and tokens. */
import type { Hub } from './hub.ts';
import type { Store } from './store.ts';
import type { Blobs } from './blobs.ts';

export function startSweeper(store: Store, hub: Hub, blobs: Blobs, now: () => number, intervalMs: number): { sweep(): number; stop(): void } {
  const sweep = () => {
    const expired = store.deleteExpired(now());
    for (const { id, site } of expired) {
      blobs.deleteConversation(id);
      hub.closeConversation(id);
      hub.toAgents(site, { type: 'expired', conversationId: id });
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
