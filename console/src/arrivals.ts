/**
 * What counts as news for the agent: a customer's message that arrived after the console opened
 * (history and what synced on sign-in are not news), once per message. Pure, so the rules are
 * tested without a browser.
 */
import type { ChatMessage, ConversationSummary } from '@threadline/sdk/agent';

export interface Arrival {
  /** The conversation to open (a merged one's messages show in the one it was merged into). */
  conversationId: string;
  message: ChatMessage;
  /** The customer's first message: a new conversation. */
  first: boolean;
}

/**
 * The customer's messages not seen before, among those that arrived at or after `since` (the
 * relay's time of the message, compared with this device's clock when the console started).
 * `seen` is updated.
 */
export function newArrivals(conversations: readonly ConversationSummary[], messagesOf: (conversationId: string) => readonly ChatMessage[], seen: Set<string>, since: number): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const conversation of conversations) {
    const messages = messagesOf(conversation.id);
    const firstFromCustomer = messages.find((m) => m.from === 'visitor' && !m.handoff);
    for (const message of messages) {
      if (message.from !== 'visitor' || message.handoff || message.status !== 'sent' || seen.has(message.id)) continue;
      seen.add(message.id);
      if (message.at < since) continue;
      arrivals.push({ conversationId: conversation.mergedInto ?? conversation.id, message, first: message === firstFromCustomer });
    }
  }
  return arrivals;
}

/** The agent already sees it: the tab is visible and that conversation is the one on screen. */
export const alreadySeen = (arrival: Arrival, visible: boolean, onScreen: string | null) => visible && onScreen === arrival.conversationId;

/** A notification's words: who, and what they said (a file or a rating when there is no text). */
export function describe(arrival: Arrival, customer: string): { title: string; body: string } {
  const { message } = arrival;
  const said = message.text ? (message.text.length > 140 ? `${message.text.slice(0, 139)}…` : message.text) : message.file ? `Sent a file: ${message.file.name}` : message.rating ? `Rated the conversation ${message.rating.score} of 5` : 'Sent a message';
  return { title: arrival.first ? `New conversation: ${customer}` : customer, body: said };
}
