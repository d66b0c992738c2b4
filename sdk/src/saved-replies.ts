/**
 * The team's saved replies: canned answers an agent inserts by typing `/` and a shortcut in the
 * composer. The relay keeps them sealed by the agents' worker (crypto/saved-replies.ts), so it stores
 * the business's answers without reading them. Saving replaces the whole list as its next version;
 * a save that crossed another agent's fails with `conflict`, and the list is loaded again.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { ConfigError, ProtocolError } from './errors.ts';
import { count, list, MAX_SAVED_REPLIES_CIPHERTEXT, nullable, object, pattern, sealedSavedReplies, text, type Check, type SavedRepliesRecord, type SealedSavedReplies } from './protocol.ts';
import type { Result } from './crypto/service.ts';
import { call } from './worker-client.ts';

export interface SavedReply {
  /** Stable across edits (chosen when the reply is added). */
  id: string;
  /** What follows `/` in the composer: lower-case letters, digits and dashes, at most 32. */
  shortcut: string;
  text: string;
}

export const MAX_SAVED_REPLIES = 200;
export const MAX_SAVED_REPLY_LENGTH = 2000;
export const SHORTCUT = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** The list as UTF-8 JSON, before sealing: what fits the relay's limit on the sealed text (base64url of it and the 16-byte tag). */
const MAX_LIST_BYTES = Math.floor((MAX_SAVED_REPLIES_CIPHERTEXT * 3) / 4) - 16;

const savedReply = object({ id: pattern(/^[A-Za-z0-9_-]{1,64}$/, 64), shortcut: pattern(SHORTCUT, 32), text: text(MAX_SAVED_REPLY_LENGTH) });
const savedReplyList = list(savedReply, MAX_SAVED_REPLIES);
const record = object({ version: count, sealed: nullable(sealedSavedReplies) });

/**
 * Checks a list before it is saved: each reply has a shortcut and some text, no shortcut twice, and
 * the whole list fits. Throws `ConfigError` naming what to change.
 */
export function checkSavedReplies(replies: readonly SavedReply[]): SavedReply[] {
  const refuse = (reason: string, hint: string) => new ConfigError('bad_saved_reply', 'save the saved replies', reason, hint);
  if (replies.length > MAX_SAVED_REPLIES) throw refuse(`there are more than ${MAX_SAVED_REPLIES}`, 'Delete the ones the team no longer uses.');
  const seen = new Set<string>();
  for (const reply of replies) {
    if (!SHORTCUT.test(reply.shortcut)) throw refuse(`the shortcut '/${reply.shortcut}' is not valid`, 'Use lower-case letters, digits and dashes (at most 32), starting with a letter or digit.');
    if (seen.has(reply.shortcut)) throw refuse(`the shortcut '/${reply.shortcut}' is used twice`, 'Give each saved reply its own shortcut.');
    seen.add(reply.shortcut);
    if (!reply.text.trim() || reply.text.length > MAX_SAVED_REPLY_LENGTH) throw refuse(`the reply '/${reply.shortcut}' is empty or longer than ${MAX_SAVED_REPLY_LENGTH} characters`, 'Write some text, and shorten long replies.');
  }
  const checked = replies.map(({ id, shortcut, text }) => ({ id, shortcut, text }));
  if (new TextEncoder().encode(JSON.stringify(checked)).length > MAX_LIST_BYTES) throw refuse('together they are too long', 'Shorten or delete some of them.');
  return checked;
}

/** What the saved replies need from the agent client: the relay's API, the agents' worker, the approved devices. */
export interface SavedRepliesDeps {
  api<T>(path: string, action: string, init?: { method?: 'GET' | 'PUT'; body?: unknown }): Promise<T>;
  /** The devices of the current directory: a list sealed before one of them was approved is sealed again for it. */
  devices(): readonly string[];
  worker(): {
    sealSavedReplies(version: number, replies: unknown): Promise<Result<SealedSavedReplies>>;
    openSavedReplies(version: number, sealed: SealedSavedReplies): Promise<Result<unknown>>;
  };
}

export interface SavedReplies {
  readonly list: ReadonlySignal<readonly SavedReply[]>;
  /** Why the list could not be loaded or opened (e.g. saved before this device was approved), or null. */
  readonly problem: ReadonlySignal<string | null>;
  /** Loads the list from the relay and opens it (again after another agent saved, see the `saved-replies` frame). */
  load(): Promise<void>;
  /** Saves the whole list (adding, editing and deleting are each a new list). */
  save(replies: readonly SavedReply[]): Promise<void>;
  /** The version this client holds. */
  readonly version: number;
}

/** Parses what the relay (or the worker) answered; a `ProtocolError` when it does not fit. */
function parse<T>(check: Check<T>, value: unknown): T {
  try {
    return check(value, '');
  } catch (error) {
    throw new ProtocolError('bad_frame', 'load the saved replies', error instanceof Error ? error.message : String(error), 'Reload the console; if it persists, save the replies again.');
  }
}

export function createSavedReplies({ api, devices, worker }: SavedRepliesDeps): SavedReplies {
  const replies = signal<readonly SavedReply[]>([]);
  const problem = signal<string | null>(null);
  let version = 0;

  async function open(): Promise<void> {
    const found: SavedRepliesRecord = parse(record, await api<unknown>('/v1/agent/saved-replies', 'load the saved replies'));
    // A relay serving an older list than this console saw or saved (a rollback) is refused.
    if (found.version < version) throw new ProtocolError('stale', 'load the saved replies', `the relay served version ${found.version} after ${version}`, 'Reload the console; if it persists, the relay may be rolling the list back.');
    // The team's own word, opened and checked in the worker: still parsed here, as any input.
    const opened = found.sealed ? parse(savedReplyList, await call('open the saved replies', worker().openSavedReplies(found.version, found.sealed))) : [];
    version = found.version;
    replies.value = opened;
    problem.value = null;
    const sealedFor = new Set(found.sealed?.sealed.map((s) => s.to));
    if (found.sealed && devices().some((id) => !sealedFor.has(id))) await save(opened);
  }

  const load = () =>
    open().catch((error: unknown) => {
      problem.value = error instanceof Error ? error.message : String(error);
    });

  async function save(next: readonly SavedReply[]): Promise<void> {
    const checked = checkSavedReplies(next);
    // One base version throughout: a newer list arriving meanwhile must not slip between sealing and saving.
    const base = version;
    const sealed = await call('seal the saved replies', worker().sealSavedReplies(base + 1, checked));
    try {
      const saved = await api<unknown>('/v1/agent/saved-replies', 'save the saved replies', { method: 'PUT', body: { version: base, sealed } });
      if ((saved as { version?: unknown })?.version !== base + 1) throw new ProtocolError('bad_frame', 'save the saved replies', `the relay answered ${JSON.stringify(saved)} for version ${base + 1}`, 'Reload the console and save again.');
      version = base + 1;
      replies.value = checked;
    } catch (error) {
      // Another agent saved first: show theirs, and let this agent make the change again.
      if (error instanceof ProtocolError && error.code === 'conflict') await load();
      throw error;
    }
  }

  return {
    list: replies,
    problem,
    load,
    save,
    get version() {
      return version;
    },
  };
}
