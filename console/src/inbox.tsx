import { useSignal } from '@preact/signals';
import type { AgentClient, ChatMessage, ConversationSummary } from '@threadline/sdk/agent';
import { useStickToBottom } from './stick-to-bottom.ts';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const STATUS = { idle: 'Not connected', connecting: 'Connecting…', online: 'Online', offline: 'Offline — reconnecting', closed: 'Disconnected' };

/** A short, stable label for an anonymous visitor. */
const visitorLabel = (conversation: ConversationSummary) => `Visitor ${conversation.visitorKey.slice(0, 6)}`;

export function Inbox({ client }: { client: AgentClient }) {
  const selected = useSignal<string | null>(null);
  const conversations = client.conversations.value;
  const current = conversations.find((c) => c.id === selected.value) ?? conversations[0];
  return (
    <div class="inbox">
      <header class="top">
        <h1>Inbox</h1>
        <div>
          <span class="status" role="status">
            {STATUS[client.status.value]}
          </span>
          <span class="status">{client.agent.value?.name}</span>
          <button type="button" onClick={() => void client.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav aria-label="Conversations">
        <ul class="list">
          {conversations.length === 0 && <li class="empty">No conversations yet.</li>}
          {conversations.map((conversation) => (
            <li key={conversation.id}>
              <button type="button" aria-current={conversation === current} onClick={() => (selected.value = conversation.id)}>
                <span class="who">{visitorLabel(conversation)}</span>
                <span class="when">
                  {conversation.lastSeq} messages · {when.format(conversation.lastAt)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {current ? <Thread key={current.id} client={client} conversation={current} /> : <p class="empty">Select a conversation.</p>}
    </div>
  );
}

function Thread({ client, conversation }: { client: AgentClient; conversation: ConversationSummary }) {
  const messages = client.messages(conversation.id).value;
  const error = useSignal('');
  const log = useStickToBottom<HTMLDivElement>(messages.length);

  async function submit(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('reply') as HTMLTextAreaElement;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    try {
      error.value = '';
      await client.reply(conversation.id, text);
    } catch (failure) {
      input.value ||= text;
      error.value = failure instanceof Error ? failure.message : String(failure);
    }
  }

  return (
    <section class="thread" aria-label={`Conversation with ${visitorLabel(conversation)}`}>
      <div class="log" ref={log} role="log" aria-live="polite" aria-label="Messages">
        <ol>
          {messages.map((message) => (
            <Message key={message.id} message={message} />
          ))}
        </ol>
      </div>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <form class="reply" onSubmit={submit}>
        <label class="visually-hidden" for="reply">
          Reply
        </label>
        <textarea
          id="reply"
          name="reply"
          placeholder="Write a reply…"
          onKeyDown={(event) => {
            if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }}
        />
        <button class="primary" type="submit">
          Send
        </button>
      </form>
    </section>
  );
}

function Message({ message }: { message: ChatMessage }) {
  const status = message.status === 'sending' ? 'Sending…' : when.format(message.at);
  return (
    <li class={`message ${message.from} ${message.status}`}>
      <span class="visually-hidden">{message.from === 'agent' ? 'Agent' : 'Visitor'}:</span>
      <p dir="auto">{message.status === 'unreadable' ? 'This message could not be decrypted.' : message.text}</p>
      <span class="meta">{status}</span>
    </li>
  );
}
