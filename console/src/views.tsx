import { workState, type AgentClient, type ConversationSummary, type WorkState } from '@threadline/sdk/agent';

export const VIEWS = { open: 'Open', snoozed: 'Snoozed', closed: 'Closed', all: 'All' } as const;
export type View = keyof typeof VIEWS;

export const inView = (view: View, conversation: ConversationSummary, now: number) => view === 'all' || workState(conversation, now) === view;

/** The views above the list, each with how many conversations it holds and how many have unread messages. */
export function ViewTabs({ client, conversations, view, now, choose }: { client: AgentClient; conversations: ConversationSummary[]; view: View; now: number; choose: (view: View) => void }) {
  const unread = (c: ConversationSummary) => c.lastSeq > client.readByAgents(c.id).value;
  return (
    <div class="views" role="group" aria-label="Views">
      {(Object.keys(VIEWS) as View[]).map((key) => {
        const held = conversations.filter((c) => inView(key, c, now));
        const unseen = held.filter(unread).length;
        return (
          <button key={key} type="button" aria-pressed={view === key} onClick={() => choose(key)}>
            {VIEWS[key]} <span class="count">{held.length}</span>
            {unseen > 0 && (
              <span class="unread">
                <span class="visually-hidden">, </span>
                {unseen} unread
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

const STATE_WORDS: Record<WorkState, string> = { open: 'Open', snoozed: 'Snoozed', closed: 'Closed' };

/** Close, snooze or reopen the conversation; a new message reopens it by itself. */
export function StatusActions({ conversation, now, act }: { conversation: ConversationSummary; now: number; act: (status: 'open' | 'closed' | 'snoozed', until?: number) => void }) {
  const state = workState(conversation, now);
  if (state !== 'open') {
    return (
      <span class="status-actions">
        <span class="badge">{STATE_WORDS[state]}</span>
        <button type="button" onClick={() => act('open')}>
          Reopen
        </button>
      </span>
    );
  }
  const tomorrowMorning = new Date(now + 86_400_000).setHours(9, 0, 0, 0);
  return (
    <span class="status-actions">
      <button type="button" onClick={() => act('closed')}>
        Close
      </button>
      <label>
        <span class="visually-hidden">Snooze</span>
        <select
          value=""
          onChange={(event) => {
            const until = Number(event.currentTarget.value);
            event.currentTarget.value = '';
            if (until) act('snoozed', until);
          }}
        >
          <option value="">Snooze…</option>
          <option value={now + 3600_000}>for an hour</option>
          <option value={tomorrowMorning}>until tomorrow morning</option>
          <option value={now + 7 * 86_400_000}>for a week</option>
        </select>
      </label>
    </span>
  );
}
