/** Finding saved replies from what the agent typed after `/` in the composer. */
import type { SavedReply } from '@threadline/sdk/agent';

/** The `/query` just before the caret (at the start or after a space), or null when there is none. */
export function slashQuery(value: string, caret: number): { query: string; start: number } | null {
  const found = /(?:^|\s)\/([a-z0-9-]*)$/i.exec(value.slice(0, caret));
  if (!found) return null;
  return { query: found[1]!.toLowerCase(), start: caret - found[1]!.length - 1 };
}

/** Saved replies for a query: shortcuts that start with it first, then those whose shortcut or text contains it. */
export function matching(replies: readonly SavedReply[], query: string, limit = 8): SavedReply[] {
  const starts = replies.filter((r) => r.shortcut.startsWith(query));
  const contains = replies.filter((r) => !r.shortcut.startsWith(query) && (r.shortcut.includes(query) || r.text.toLowerCase().includes(query)));
  return [...starts, ...contains].slice(0, limit);
}
