import { useSignal } from '@preact/signals';
import type { AgentClient, ChatMessage, ConversationSummary } from '@threadline/sdk/agent';
import { FileView } from './file-view.tsx';
import { SafetyNumber } from './safety-number.tsx';
import { useStickToBottom } from './stick-to-bottom.ts';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

/** A short, stable label for the customer: their messenger name, or an anonymous web visitor. */
const visitorLabel = (conversation: ConversationSummary) => conversation.channel?.label ?? `Visitor ${(conversation.visitor?.id ?? conversation.id).slice(0, 6)}`;

export function Inbox({ client }: { client: AgentClient }) {
  const selected = useSignal<string | null>(null);
  const conversations = client.conversations.value;
  const current = conversations.find((c) => c.id === selected.value) ?? conversations[0];
  return (
    <div class="inbox">
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
  const progress = useSignal<number | null>(null);
  const log = useStickToBottom<HTMLDivElement>(messages.length);
  const canReply = client.agent.value?.approved;

  const attempt = async (run: () => Promise<unknown>) => {
    try {
      error.value = '';
      await run();
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    }
  };

  async function submit(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('reply') as HTMLTextAreaElement;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    await attempt(() => client.reply(conversation.id, text).catch((failure) => ((input.value ||= text), Promise.reject(failure))));
  }

  async function attach(event: Event) {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    progress.value = 0;
    await attempt(() => client.sendFile(conversation.id, file, (fraction) => (progress.value = fraction)));
    progress.value = null;
  }

  return (
    <section class="thread" aria-label={`Conversation with ${visitorLabel(conversation)}`}>
      <header class="thread-head">
        <h2>{visitorLabel(conversation)}</h2>
        <span class="when">Deleted on {when.format(conversation.expiresAt)}</span>
        <SafetyNumber load={() => client.safetyNumber(conversation.id)} />
      </header>
      <div class="log" ref={log} role="log" aria-live="polite" aria-label="Messages">
        <ol>
          {messages.map((message) => (
            <Message key={message.id} message={message} open={(file) => client.openFile(conversation.id, file)} />
          ))}
        </ol>
      </div>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      {progress.value !== null && <progress aria-label="Uploading the file" max={1} value={progress.value} />}
      <form class="reply" onSubmit={submit}>
        <label class="visually-hidden" for="reply">
          Reply
        </label>
        <textarea
          id="reply"
          name="reply"
          disabled={!canReply}
          placeholder={canReply ? 'Write a reply…' : 'This device must be approved before it can reply'}
          onKeyDown={(event) => {
            if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }}
        />
        <label class="attach">
          <span class="visually-hidden">Attach a file</span>
          <input type="file" disabled={!canReply} onChange={attach} />
        </label>
        <button class="primary" type="submit" disabled={!canReply}>
          Send
        </button>
      </form>
    </section>
  );
}

function Message({ message, open }: { message: ChatMessage; open: Parameters<typeof FileView>[0]['open'] }) {
  const status = message.status === 'sending' ? 'Sending…' : when.format(message.at);
  return (
    <li class={`message ${message.from} ${message.status}`}>
      <span class="visually-hidden">{message.from === 'agent' ? 'Agent' : 'Visitor'}:</span>
      {message.status === 'unreadable' ? (
        <p title={message.problem}>This message could not be decrypted ({message.problem}).</p>
      ) : (
        <>
          {message.text && <p dir="auto">{message.text}</p>}
          {message.file && <FileView file={message.file} open={open} />}
        </>
      )}
      <span class="meta">{status}</span>
    </li>
  );
}
