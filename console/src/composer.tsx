import { useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { SavedReply } from '@threadline/sdk/agent';
import { AttachButton } from './attach-button.tsx';
import { matching, slashQuery } from './saved-reply-match.ts';

export type ComposerMode = 'reply' | 'note';

/**
 * The thread's composer: a reply to the customer, or an internal note only the team sees (a
 * toggle above the text), and the team's saved replies typed as `/` and a shortcut (a listbox under
 * the text: arrow keys choose, Enter or Tab inserts, Escape closes).
 */
export function Composer({ replies, canReply, canNote, placeholder, send, attach, typing }: {
  replies: readonly SavedReply[];
  canReply: boolean;
  canNote: boolean;
  /** What the reply box says when the agent cannot reply. */
  placeholder: string;
  /** Sends the text; rejects when it was not sent (the text is then put back). */
  send: (text: string, mode: ComposerMode) => Promise<void>;
  attach: (event: Event) => void;
  typing: () => void;
}) {
  const mode = useSignal<ComposerMode>('reply');
  const input = useRef<HTMLTextAreaElement>(null);
  /** The `/query` being typed, while the saved replies are offered. */
  const slash = useSignal<{ query: string; start: number } | null>(null);
  const active = useSignal(0);
  const note = mode.value === 'note';
  const enabled = note ? canNote : canReply;
  const offered = slash.value ? matching(replies, slash.value.query) : [];
  const open = slash.value !== null && offered.length > 0;
  const optionId = (reply: SavedReply) => `saved-reply-${reply.id}`;

  function look(): void {
    const box = input.current!;
    const found = slashQuery(box.value, box.selectionStart);
    if (found?.query !== slash.value?.query) active.value = 0;
    slash.value = found;
  }

  function insert(reply: SavedReply): void {
    const box = input.current!;
    const { start } = slash.value!;
    const end = box.selectionStart;
    box.value = box.value.slice(0, start) + reply.text + box.value.slice(end);
    box.selectionStart = box.selectionEnd = start + reply.text.length;
    slash.value = null;
    box.focus();
  }

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const box = input.current!;
    const text = box.value.trim();
    if (!text) return;
    box.value = '';
    slash.value = null;
    await send(text, mode.value).catch(() => (box.value ||= text));
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (slash.value && event.key === 'Escape') {
      event.preventDefault();
      slash.value = null;
      return;
    }
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      active.value = (active.value + (event.key === 'ArrowDown' ? 1 : offered.length - 1)) % offered.length;
      return;
    }
    if (open && ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab')) {
      event.preventDefault();
      insert(offered[active.value] ?? offered[0]!);
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  }

  const label = note ? 'Internal note' : 'Reply';
  return (
    <form class={`reply${note ? ' note-mode' : ''}`} onSubmit={submit}>
      <div class="modes" role="group" aria-label="Write">
        <button type="button" aria-pressed={!note} onClick={() => (mode.value = 'reply')}>
          Reply
        </button>
        <button type="button" aria-pressed={note} onClick={() => (mode.value = 'note')}>
          Note
        </button>
        <span class="meta">{note ? 'Only your team sees notes: they are never sent to the customer.' : 'Type / for saved replies.'}</span>
      </div>
      <div class="compose">
        {slash.value && (
          <div class="saved-picker">
            <p class="picker-head" aria-hidden="true">
              <span>Saved replies</span>
              <span>
                <kbd>↑</kbd> <kbd>↓</kbd> choose · <kbd>Enter</kbd> insert · <kbd>Esc</kbd> close
              </span>
            </p>
            {open ? (
              <ul id="saved-reply-options" role="listbox" aria-label="Saved replies">
                {offered.map((reply, i) => (
                  <li
                    key={reply.id}
                    id={optionId(reply)}
                    role="option"
                    aria-selected={i === active.value}
                    onMouseDown={(event) => {
                      // Keeps the focus in the text while the reply is chosen.
                      event.preventDefault();
                      insert(reply);
                    }}
                  >
                    <span class="shortcut">/{reply.shortcut}</span>
                    <span class="saved-text">{reply.text}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p role="status" class="meta">
                {replies.length ? `No saved reply matches /${slash.value.query}.` : 'No saved replies yet: add them under Saved replies.'}
              </p>
            )}
          </div>
        )}
        <label class="visually-hidden" for="reply">
          {label}
        </label>
        <textarea
          id="reply"
          name="reply"
          ref={input}
          disabled={!enabled}
          aria-autocomplete="list"
          aria-controls={open ? 'saved-reply-options' : undefined}
          aria-activedescendant={open ? optionId(offered[active.value] ?? offered[0]!) : undefined}
          onInput={() => {
            look();
            if (!note) typing();
          }}
          onClick={look}
          onBlur={() => (slash.value = null)}
          placeholder={note ? 'Write an internal note for your team…' : canReply ? 'Write a reply…' : placeholder}
          onKeyDown={onKeyDown}
        />
        <div class="actions">
          {!note && <AttachButton disabled={!canReply} onChange={attach} />}
          <button class="primary" type="submit" disabled={!enabled}>
            {note ? 'Add note' : 'Send'}
          </button>
        </div>
      </div>
    </form>
  );
}
