/**
 * The customer beside the thread, from what this console already holds: the ways they reached the
 * team (the web chat's device, messenger profiles decrypted from their messages), the conversations
 * that are theirs (merged into this one by an agent, or from the same browser), and their ratings.
 * The relay keeps only a shortened messenger id, so a messenger name shows once they have written.
 */
import { CHANNEL_NAMES, workState, type AgentClient, type Channel, type ChatMessage, type ConversationSummary } from '@threadline/sdk/agent';
import { visitorLabel } from './customer.ts';
import { count } from './format.ts';
import { openConversation } from './navigation.ts';
import { Time, times } from './time.tsx';

interface Identity {
  key: string;
  channel: Channel | 'web';
  name: string;
  detail: string;
}

/** Every way the customer wrote in these conversations, once each. */
function identities(conversations: readonly ConversationSummary[], messages: readonly ChatMessage[]): Identity[] {
  const found = new Map<string, Identity>();
  for (const c of conversations) {
    if (c.visitor) found.set(`web:${c.visitor.id}`, { key: `web:${c.visitor.id}`, channel: 'web', name: 'Web chat', detail: `browser ${c.visitor.id.slice(0, 6)}, end-to-end encrypted` });
    if (c.channel) found.set(`${c.channel.name}:${c.channel.label}`, { key: `${c.channel.name}:${c.channel.label}`, channel: c.channel.name, name: CHANNEL_NAMES[c.channel.name], detail: c.channel.label });
  }
  for (const m of messages) {
    if (m.from !== 'visitor' || !m.channel || !m.sender) continue;
    const known = [...found.values()].find((identity) => identity.channel === m.channel);
    if (known && !known.detail.startsWith(m.sender)) known.detail = `${m.sender} (${known.detail})`;
  }
  return [...found.values()];
}

const STATES = { open: 'Open', snoozed: 'Snoozed', closed: 'Closed' } as const;

export function Profile({ client, conversation, now }: { client: AgentClient; conversation: ConversationSummary; now: number }) {
  const all = client.conversations.value;
  const merged = all.filter((c) => c.mergedInto === conversation.id);
  const devices = new Set([conversation, ...merged].flatMap((c) => (c.visitor ? [c.visitor.id] : [])));
  // Other conversations from the same browser are the same customer's, earlier or later.
  const sameBrowser = all.filter((c) => c.id !== conversation.id && !c.mergedInto && c.visitor && devices.has(c.visitor.id));
  const mine = [conversation, ...merged];
  const messages = mine.flatMap((c) => client.messages(c.id).value);
  const ratings = messages.filter((m) => m.rating).sort((a, b) => b.at - a.at);
  const firstSeen = Math.min(...mine.map((c) => c.createdAt));
  return (
    <aside class="profile" aria-label="Customer profile" tabIndex={0}>
      {/* The name is the thread's heading, beside this; the profile starts with what is new. */}
      <p class="name">
        <strong>{visitorLabel(client, conversation)}</strong>
        <span class="meta">
          first wrote <Time at={firstSeen} text={times.relative(firstSeen, now)} />
        </span>
      </p>
      <h3>Reached us on</h3>
      <ul>
        {identities(mine, messages).map((identity) => (
          <li key={identity.key}>
            <span class={`badge ${identity.channel}`}>{identity.name}</span> <span class="meta">{identity.detail}</span>
          </li>
        ))}
      </ul>
      <h3>Conversations</h3>
      <ul>
        <li>
          This one · {count(conversation.lastSeq, 'message')} · {STATES[workState(conversation, now)]}
        </li>
        {merged.map((c) => (
          <li key={c.id}>
            Merged into this one · {count(c.lastSeq, 'message')} · started <Time at={c.createdAt} text={times.relative(c.createdAt, now)} />
          </li>
        ))}
        {sameBrowser.map((c) => (
          <li key={c.id}>
            <button type="button" class="link" onClick={() => openConversation(c.id)}>
              Started <Time at={c.createdAt} text={times.relative(c.createdAt, now)} />
            </button>{' '}
            · {count(c.lastSeq, 'message')} · {STATES[workState(c, now)]}
          </li>
        ))}
      </ul>
      <h3>Ratings</h3>
      {ratings.length ? (
        <ul>
          {ratings.map((m) => (
            <li key={m.id}>
              {m.rating!.score}/5{m.rating!.comment ? ` — ${m.rating!.comment}` : ''} <span class="meta">{times.relative(m.at, now)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="meta">No rating yet.</p>
      )}
    </aside>
  );
}
