/**
 * Search across the agent's decrypted history, on this device: the box above the list, and the
 * results in its place, each opening its conversation at the message. See search-index.ts for
 * where the index lives (memory only).
 */
import { effect, signal, type Signal } from '@preact/signals';
import type { AgentClient, ChatMessage } from '@threadline/sdk/agent';
import { visitorLabel } from './customer.ts';
import { excerpt } from './excerpt.ts';
import { count } from './format.ts';
import { openConversation } from './navigation.ts';
import type { MessageIndex } from './search-index.ts';
import { Time, times } from './time.tsx';

interface LiveIndex {
  index: Signal<MessageIndex | null>;
  /** Bumped on every update of the index, so results follow new messages. */
  version: Signal<number>;
}

const live = new WeakMap<AgentClient, LiveIndex>();

/** The client's index, loaded (a chunk of its own) on the first search and kept up to date from then on. */
function liveIndex(client: AgentClient): LiveIndex {
  let found = live.get(client);
  if (found) return found;
  const made: LiveIndex = { index: signal(null), version: signal(0) };
  live.set(client, made);
  void import('./search-index.ts').then(({ MessageIndex }) => {
    const index = new MessageIndex();
    const threads = new Map<string, ReturnType<AgentClient['messages']>>();
    const messagesOf = (id: string): readonly ChatMessage[] => {
      let thread = threads.get(id);
      if (!thread) threads.set(id, (thread = client.messages(id)));
      return thread.value;
    };
    effect(() => {
      index.update(client.conversations.value, messagesOf);
      made.version.value = made.version.peek() + 1;
    });
    made.index.value = index;
  });
  return made;
}

export function SearchBox({ client, query }: { client: AgentClient; query: Signal<string> }) {
  return (
    <form class="search" role="search" onSubmit={(event) => event.preventDefault()}>
      <label class="visually-hidden" for="search">
        Search messages
      </label>
      <input
        id="search"
        type="search"
        placeholder="Search messages  /"
        autocomplete="off"
        value={query.value}
        onFocus={() => liveIndex(client)}
        onInput={(event) => (query.value = event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          event.preventDefault();
          if (query.value) query.value = '';
          else event.currentTarget.blur();
        }}
      />
    </form>
  );
}

export function SearchResults({ client, query, openedMessage }: { client: AgentClient; query: string; openedMessage: string | undefined }) {
  const { index, version } = liveIndex(client);
  void version.value;
  const ready = index.value;
  if (!ready) return <p class="empty" role="status">Preparing search…</p>;
  const hits = ready.search(query);
  const conversations = client.conversations.value;
  return (
    <nav class="results" aria-label="Search results">
      <p class="meta found" role="status">
        {hits.length ? `${count(hits.length, 'message')} found.` : 'No message matches.'} Searched on this device only.
      </p>
      <ul class="list">
        {hits.map((hit) => {
          const conversation = conversations.find((c) => c.id === hit.conversationId);
          return (
            <li key={hit.messageId}>
              <button type="button" aria-current={hit.messageId === openedMessage} onClick={() => openConversation(hit.conversationId, hit.messageId)}>
                <span class="who">{conversation ? visitorLabel(client, conversation) : 'A customer'}</span>
                <span class="excerpt">
                  {hit.note ? <span class="meta">Internal note: </span> : hit.from === 'agent' && <span class="meta">You: </span>}
                  {excerpt(hit.text, hit.terms).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
                </span>
                <span class="when">
                  <Time at={hit.at} text={times.relative(hit.at)} />
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
