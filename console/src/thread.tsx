import { useEffect, useMemo } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { CHANNEL_NAMES, replyWindow, type AgentClient, type Channel, type ConversationSummary, type FileRef, type TeamMember } from '@threadline/sdk/agent';
import { Composer, type ComposerMode } from './composer.tsx';
import { visitorLabel } from './customer.ts';
import { ThreadMessage } from './message.tsx';
import { SafetyNumber } from './safety-number.tsx';
import { Time, times } from './time.tsx';
import { onScreen } from './navigation.ts';
import { AssignSelect, StatusActions } from './views.tsx';
import { useStickToBottom } from './stick-to-bottom.ts';

const hours = (ms: number) => (ms >= 3600_000 ? `${Math.floor(ms / 3600_000)} h` : `${Math.max(1, Math.floor(ms / 60_000))} min`);

/** Where a reply goes: the messenger the customer last wrote on (while its window is open), or the web. */
function replyTargets(conversation: ConversationSummary): { value: Channel | 'web'; label: string; disabled: boolean }[] {
  const targets: { value: Channel | 'web'; label: string; disabled: boolean }[] = [];
  const channel = conversation.channel;
  if (channel) {
    const window = replyWindow(channel.name, channel.lastInboundAt);
    const name = CHANNEL_NAMES[channel.name];
    const state = window.open ? `${window.humanAgentTag ? 'human-agent window' : 'window'} closes in ${hours(window.remainingMs)}` : 'window closed: wait for the customer to write';
    targets.push({ value: channel.name, label: `${name} (${state})`, disabled: !window.open });
  }
  if (conversation.visitor) targets.push({ value: 'web', label: 'Web chat (end-to-end encrypted)', disabled: false });
  return targets;
}

export function Thread({ client, now, team, me, conversation, merged, others, highlight }: { client: AgentClient; now: number; team: TeamMember[]; me: string | undefined; conversation: ConversationSummary; merged: ConversationSummary[]; others: ConversationSummary[]; /** A message to scroll to (a search result's). */ highlight?: string | undefined }) {
  const ownMessages = client.messages(conversation.id).value;
  const typing = client.visitorTyping(conversation.id).value;
  const readUpTo = client.readByVisitor(conversation.id).value;
  useEffect(() => {
    client.show(conversation.id);
    onScreen.value = conversation.id;
    return () => {
      client.show(null);
      onScreen.value = null;
    };
  }, [client, conversation.id]);
  useEffect(() => {
    if (document.visibilityState === 'visible') client.markRead(conversation.id);
  }, [client, conversation.id, ownMessages.length]);
  const mergedMessages = merged.flatMap((c) => client.messages(c.id).value);
  const messages = mergedMessages.length ? [...ownMessages, ...mergedMessages].sort((a, b) => a.at - b.at) : ownMessages;
  const open = useMemo(() => (file: FileRef) => client.openFile(conversation.id, file), [client, conversation.id]);
  const day = new Date(now).toDateString();
  const targets = replyTargets(conversation);
  const target = useSignal<Channel | 'web' | null>(null);
  const via = target.value ?? targets.find((t) => !t.disabled)?.value ?? null;
  const error = useSignal('');
  const progress = useSignal<number | null>(null);
  const log = useStickToBottom<HTMLDivElement>(messages.length);
  // The message a search result or a notification points to, found by its place in the log: a
  // message's own id stays out of the DOM (it comes from the sender).
  const at = highlight === undefined ? -1 : messages.findIndex((m) => m.id === highlight);
  useEffect(() => {
    if (at >= 0) log.current?.querySelectorAll('ol > li')[at]?.scrollIntoView({ block: 'center' });
  }, [highlight, at >= 0]);
  const canReply = client.agent.value?.approved && via !== null;

  const attempt = async (run: () => Promise<unknown>) => {
    try {
      error.value = '';
      await run();
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    }
  };

  /** A note stays with the team, whatever messenger the conversation is on; a reply goes where `via` says. */
  async function send(text: string, mode: ComposerMode): Promise<void> {
    error.value = '';
    try {
      await (mode === 'note' ? client.note(conversation.id, text) : client.reply(conversation.id, text, via === 'web' || via === null ? undefined : via));
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
      throw failure;
    }
  }

  async function attach(event: Event) {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    progress.value = 0;
    await attempt(() => client.sendFile(conversation.id, file, (fraction) => (progress.value = fraction), via === 'web' || via === null ? undefined : via));
    progress.value = null;
  }

  return (
    <section class="thread" aria-label={`Conversation with ${visitorLabel(client, conversation)}`}>
      <header class="thread-head">
        <h2>{visitorLabel(client, conversation)}</h2>
        <span class="when">
          Deleted <Time at={conversation.expiresAt} text={times.until(conversation.expiresAt)} />
        </span>
        <StatusActions conversation={conversation} now={now} act={(status, until) => void attempt(() => client.setStatus(conversation.id, status, until))} />
        <AssignSelect conversation={conversation} team={team} me={me} assign={(agentId) => void attempt(() => client.assign(conversation.id, agentId))} />
        {conversation.visitor && <SafetyNumber load={() => client.safetyNumber(conversation.id)} />}
        {others.length > 0 && (
          <form
            class="merge"
            onSubmit={(event) => {
              event.preventDefault();
              const into = new FormData(event.currentTarget).get('into');
              if (into) void attempt(() => client.merge(conversation.id, String(into)));
            }}
          >
            <label>
              Same customer as{' '}
              <select name="into">
                {others.map((c) => (
                  <option key={c.id} value={c.id}>
                    {visitorLabel(client, c)}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button type="submit">Merge</button>
          </form>
        )}
      </header>
      <div class="log" ref={log} role="log" aria-live="polite" aria-label="Messages" tabIndex={0}>
        <ol>
          {messages.map((message) => (
            <ThreadMessage key={message.id} message={message} highlighted={message.id === highlight} read={message.from === 'agent' && !message.audience && (message.seq ?? Infinity) <= readUpTo} open={open} day={day} />
          ))}
        </ol>
      </div>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      {typing && (
        <p class="typing" role="status">
          {visitorLabel(client, conversation)} is typing…
        </p>
      )}
      {progress.value !== null && <progress aria-label="Uploading the file" max={1} value={progress.value} />}
      {targets.length > 1 || conversation.channel ? (
        <label class="target">
          Reply on{' '}
          <select value={via ?? ''} onChange={(event) => (target.value = event.currentTarget.value as Channel | 'web')}>
            {targets.map((t) => (
              <option key={t.value} value={t.value} disabled={t.disabled}>
                {t.label}
              </option>
            ))}
          </select>
          {via && via !== 'web' && <span class="meta"> — {CHANNEL_NAMES[via]}’s encryption applies; Threadline’s relay passes this reply on.</span>}
        </label>
      ) : null}
      <Composer
        replies={client.savedReplies.value}
        canReply={!!canReply}
        canNote={!!client.agent.value?.approved}
        placeholder={via === null ? 'No way to reach this customer now: the messenger’s window has closed' : 'This device must be approved before it can reply'}
        send={send}
        attach={(event) => void attach(event)}
        typing={() => client.typing(conversation.id)}
      />
    </section>
  );
}

