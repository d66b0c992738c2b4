import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { CHANNEL_NAMES, type AgentClient, type ConversationSummary, type TeamMember } from '@threadline/sdk/agent';
import { visitorLabel } from './customer.ts';
import { count } from './format.ts';
import { destination, type Destination } from './navigation.ts';
import { Profile } from './profile.tsx';
import { SearchBox, SearchResults } from './search.tsx';
import { useShortcuts } from './shortcuts.ts';
import { Thread } from './thread.tsx';
import { Time, times, useNow } from './time.tsx';
import { inView, VIEWS, ViewTabs, type View } from './views.tsx';

export function Inbox({ client }: { client: AgentClient }) {
  const selected = useSignal<string | null>(null);
  const view = useSignal<View>('open');
  const team = useSignal<TeamMember[]>([]);
  const error = useSignal('');
  const query = useSignal('');
  const now = useNow();
  useEffect(() => void client.team().then((loaded) => (team.value = loaded), () => undefined), [client]);
  const me = team.value.find((member) => member.email === client.agent.value?.email)?.id;
  const all = client.conversations.value;
  const conversations = all.filter((c) => !c.mergedInto);

  // A notification or a search result asks for a conversation: show it, in a view that holds it.
  const highlight = useSignal<Destination | null>(null);
  useEffect(() => {
    const wanted = destination.value;
    const target = wanted && all.find((c) => c.id === wanted.conversationId && !c.mergedInto);
    if (!wanted || !target) return;
    destination.value = null;
    selected.value = target.id;
    highlight.value = wanted;
    if (!inView(view.value, target, Date.now(), me)) view.value = 'all';
  }, [destination.value, all, me]);

  const shown = conversations.filter((c) => inView(view.value, c, now, me));
  const current = shown.find((c) => c.id === selected.value) ?? shown[0];
  // The thread on screen stays put when a newer conversation arrives at the top of the list.
  useEffect(() => {
    if (current && selected.peek() === null) selected.value = current.id;
  }, [current?.id]);
  // A merged conversation's messages show in the one it was merged into, so they count there too.
  const total = (conversation: ConversationSummary) => all.reduce((sum, c) => (c.mergedInto === conversation.id ? sum + c.lastSeq : sum), conversation.lastSeq);

  const attempt = (run: () => Promise<unknown>) => {
    error.value = '';
    run().catch((failure: unknown) => (error.value = failure instanceof Error ? failure.message : String(failure)));
  };
  const step = (by: number) => {
    if (!shown.length) return;
    const at = current ? shown.indexOf(current) : -1;
    const next = shown[Math.min(shown.length - 1, Math.max(0, at + by))]!;
    selected.value = next.id;
    // The list follows: the chosen conversation scrolls into sight if it was below or above the fold.
    requestAnimationFrame(() => document.querySelector('.list [aria-current="true"]')?.scrollIntoView({ block: 'nearest' }));
  };
  useShortcuts({
    j: () => step(1),
    k: () => step(-1),
    a: () => current && me && attempt(() => client.assign(current.id, me)),
    c: () => current && attempt(() => client.setStatus(current.id, 'closed')),
    r: () => document.getElementById('reply')?.focus(),
    '/': () => document.getElementById('search')?.focus(),
  });

  return (
    <main class="inbox">
      <h1 class="visually-hidden">Inbox</h1>
      <div class="side">
        <SearchBox client={client} query={query} />
        {error.value && (
          <p class="error banner" role="alert">
            {error.value}
          </p>
        )}
        {query.value.trim() ? (
          <SearchResults client={client} query={query.value} openedMessage={highlight.value?.messageId} />
        ) : (
          <>
            <ViewTabs client={client} conversations={conversations} view={view.value} now={now} me={me} choose={(next) => (view.value = next)} />
            <nav aria-label="Conversations">
              <ul class="list">
                {shown.length === 0 && <li class="empty">{conversations.length ? `No ${VIEWS[view.value].toLowerCase()} conversations.` : 'No conversations yet.'}</li>}
                {shown.map((conversation) => (
                  <li key={conversation.id}>
                    <button type="button" aria-current={conversation === current} onClick={() => (selected.value = conversation.id)}>
                      <span class="who">
                        {visitorLabel(client, conversation)}
                        {conversation.channel && <span class={`badge ${conversation.channel.name}`}>{CHANNEL_NAMES[conversation.channel.name]}</span>}
                      </span>
                      <span class="when">
                        {count(total(conversation), 'message')} · <Time at={conversation.lastAt} text={times.relative(conversation.lastAt, now)} />
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
          </>
        )}
      </div>
      {current ? (
        <Thread
          key={current.id}
          client={client}
          now={now}
          team={team.value}
          me={me}
          conversation={current}
          merged={all.filter((c) => c.mergedInto === current.id)}
          others={conversations.filter((c) => c !== current)}
          highlight={highlight.value?.conversationId === current.id ? highlight.value.messageId : undefined}
        />
      ) : (
        <p class="empty">Select a conversation.</p>
      )}
      {current && <Profile client={client} conversation={current} now={now} />}
    </main>
  );
}
