/**
 * Desktop notifications and a sound when a customer writes and the agent is looking elsewhere
 * (another conversation, another page, another tab). Everything is decided on this device from
 * decrypted messages; the relay sends nothing new. Clicking a notification opens the conversation.
 */
import { effect, signal } from '@preact/signals';
import type { AgentClient, ChatMessage } from '@threadline/sdk/agent';
import { alreadySeen, describe, newArrivals } from './arrivals.ts';
import { visitorLabel } from './customer.ts';
import { onScreen, openConversation } from './navigation.ts';
import { playChime } from './chime.ts';

const SOUND_KEY = 'threadline-console-sound';
const DISMISSED_KEY = 'threadline-console-notifications-dismissed';

export type Permission = NotificationPermission | 'unsupported';
const current = (): Permission => ('Notification' in globalThis ? Notification.permission : 'unsupported');

/** The browser's answer so far; asked only when the agent presses the button that asks. */
export const permission = signal<Permission>(current());
/** The agent said "not now" to the offer (kept in this browser). */
export const dismissed = signal(localStorage.getItem(DISMISSED_KEY) === 'yes');
/** Play a sound with each notification (a setting of this browser). */
export const sound = signal(localStorage.getItem(SOUND_KEY) === 'on');

export async function askPermission(): Promise<void> {
  if (!('Notification' in globalThis)) return;
  permission.value = await Notification.requestPermission();
}

export function dismiss(): void {
  localStorage.setItem(DISMISSED_KEY, 'yes');
  dismissed.value = true;
}

export function setSound(on: boolean): void {
  localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  sound.value = on;
  if (on) playChime(); // what it will sound like, and the browser lets audio start on this click
}

/** Watches the client's conversations from now on; returns the function that stops it. */
export function startNotifier(client: AgentClient): () => void {
  const since = Date.now();
  const seen = new Set<string>();
  const threads = new Map<string, ReturnType<AgentClient['messages']>>();
  const messagesOf = (id: string): readonly ChatMessage[] => {
    let thread = threads.get(id);
    if (!thread) threads.set(id, (thread = client.messages(id)));
    return thread.value;
  };
  return effect(() => {
    const conversations = client.conversations.value;
    for (const arrival of newArrivals(conversations, messagesOf, seen, since)) {
      if (alreadySeen(arrival, document.visibilityState === 'visible', onScreen.peek())) continue;
      if (sound.peek()) playChime();
      if (permission.peek() !== 'granted') continue;
      const conversation = conversations.find((c) => c.id === arrival.conversationId);
      const { title, body } = describe(arrival, conversation ? visitorLabel(client, conversation) : 'A customer');
      // One notification per conversation: a newer message replaces the one before.
      const notification = new Notification(title, { body, tag: arrival.conversationId, icon: new URL('favicon.svg', location.href).href });
      notification.addEventListener('click', () => {
        window.focus();
        openConversation(arrival.conversationId, arrival.message.id);
        notification.close();
      });
    }
  });
}
