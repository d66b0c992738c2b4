/**
 * The console's single-key shortcuts, as in Intercom's and Zendesk's inboxes. They act only when
 * the agent is not typing: a key pressed in a text field, a select or an editable element is text,
 * and a key with Ctrl, Alt or Meta belongs to the browser.
 */
import { useEffect, useRef } from 'preact/hooks';

export const SHORTCUTS = {
  j: 'Next conversation',
  k: 'Previous conversation',
  a: 'Assign the conversation to me',
  c: 'Close the conversation',
  r: 'Write a reply (focus the composer)',
  '/': 'Search messages',
  '?': 'Show these shortcuts',
} as const;
export type ShortcutKey = keyof typeof SHORTCUTS;

const TYPING = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';

/** Whether a key event is the agent typing rather than a shortcut. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target instanceof Element ? event.target : null;
  return event.isComposing || event.ctrlKey || event.altKey || event.metaKey || !!target?.closest(TYPING) || !!target?.closest('dialog[open]');
}

/**
 * Runs `handlers[key]` for a shortcut pressed anywhere on the page. The handlers may change on every
 * render; the listener stays the same.
 */
export function useShortcuts(handlers: Partial<Record<ShortcutKey, () => void>>): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event)) return;
      const run = latest.current[event.key as ShortcutKey];
      if (!run) return;
      event.preventDefault();
      run();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
