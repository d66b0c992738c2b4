/**
 * Where a conversation stands in the agents' work: open, snoozed until a time, or closed. The relay
 * stores only what an agent decided and at which message; any message after that (the customer
 * writing again, a reply) and the end of a snooze reopen it, so reopening needs no write at all.
 * An internal note right after the decision moves it to the note (the relay does, see `append`).
 */
import type { ConversationSummary } from './protocol.ts';

export type WorkState = 'open' | 'snoozed' | 'closed';

export function workState(conversation: Pick<ConversationSummary, 'status' | 'lastSeq'>, now: number): WorkState {
  const status = conversation.status;
  if (!status || conversation.lastSeq > status.seq) return 'open';
  if (status.state === 'snoozed') return status.until !== null && status.until > now ? 'snoozed' : 'open';
  return 'closed';
}
