/**
 * Where the agent is taken when something outside the inbox's list asks for a conversation: a
 * desktop notification, a search result. The inbox shows that conversation (and the message, if
 * one is named) and clears the request.
 */
import { signal } from '@preact/signals';

export interface Destination {
  conversationId: string;
  /** Scrolled to and highlighted in the thread. */
  messageId?: string;
}

export const destination = signal<Destination | null>(null);

/** The conversation on screen in the inbox (null on another page): notifications leave it alone. */
export const onScreen = signal<string | null>(null);

export function openConversation(conversationId: string, messageId?: string): void {
  destination.value = { conversationId, ...(messageId ? { messageId } : {}) };
  const hash = new URLSearchParams(location.hash.slice(1));
  if ((hash.get('page') ?? 'inbox') !== 'inbox') location.hash = '#page=inbox';
}
