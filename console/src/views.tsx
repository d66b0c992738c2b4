import { workState, type AgentClient, type ConversationSummary, type TeamMember, type WorkState } from '@threadline/sdk/agent';

export const VIEWS = { mine: 'Mine', unassigned: 'Unassigned', open: 'Open', snoozed: 'Snoozed', closed: 'Closed', all: 'All' } as const;
export type View = keyof typeof VIEWS;

/** Mine and Unassigned hold open conversations only: what is snoozed or closed waits in its own view. */
export function inView(view: View, conversation: ConversationSummary, now: number, me: string | undefined): boolean {
  if (view === 'all') return true;
  const state = workState(conversation, now);
  if (view === 'mine') return state === 'open' && conversation.assignee === (me ?? '');
  if (view === 'unassigned') return state === 'open' && conversation.assignee === null;
  return state === view;
}

/** The views above the list, each with how many conversations it holds and how many have unread messages. */
export function ViewTabs({ client, conversations, view, now, me, choose }: { client: AgentClient; conversations: ConversationSummary[]; view: View; now: number; me: string | undefined; choose: (view: View) => void }) {
  const unread = (c: ConversationSummary) => c.lastSeq > client.readByAgents(c.id).value;
  return (
    <div class="views" role="group" aria-label="Views">
      {(Object.keys(VIEWS) as View[]).map((key) => {
        const held = conversations.filter((c) => inView(key, c, now, me));
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

/** Who has the conversation: nobody, me or another agent of the team. */
export function AssignSelect({ conversation, team, me, assign }: { conversation: ConversationSummary; team: TeamMember[]; me: string | undefined; assign: (agentId: string | null) => void }) {
  return (
    <label class="assign">
      Assigned to{' '}
      <select value={conversation.assignee ?? ''} onChange={(event) => assign(event.currentTarget.value || null)}>
        <option value="">nobody</option>
        {team.map((member) => (
          <option key={member.id} value={member.id}>
            {member.id === me ? `me (${member.name})` : member.name}
          </option>
        ))}
      </select>
    </label>
  );
}
