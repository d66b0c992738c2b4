import { Component } from 'preact';
import { CHANNEL_NAMES, tokenize, WHATSAPP_CODE, type ChatMessage } from '@threadline/sdk/agent';
import { FileView } from './file-view.tsx';
import { Time, times } from './time.tsx';

/** Message text as elements (links, bold, italic, code); never HTML. */
const rich = (token: ReturnType<typeof tokenize>[number], i: number) =>
  token.kind === 'link' ? (
    <a key={i} href={token.href} target="_blank" rel="noopener noreferrer">
      {token.text}
    </a>
  ) : token.kind === 'bold' ? (
    <strong key={i}>{token.text}</strong>
  ) : token.kind === 'italic' ? (
    <em key={i}>{token.text}</em>
  ) : token.kind === 'code' ? (
    <code key={i}>{token.text}</code>
  ) : (
    token.text
  );

/** The customer's WhatsApp text without the handoff code, which shows as a marker instead. */
function withoutHandoffCode(message: ChatMessage): { text: string; code?: string } {
  const found = message.channel === 'whatsapp' && message.from === 'visitor' ? WHATSAPP_CODE.exec(message.text) : null;
  if (!found) return { text: message.text };
  const [before, after] = [message.text.slice(0, found.index), message.text.slice(found.index + found[0].length)];
  return { text: `${before.trimEnd()} ${after.trimStart()}`.trim(), code: found[1] };
}

export function Message({ message, read, open, highlighted }: { message: ChatMessage; read: boolean; open: Parameters<typeof FileView>[0]['open']; /** The search result the agent opened. */ highlighted: boolean }) {
  if (message.handoff) return <li class="marker">Visitor continued on {CHANNEL_NAMES[message.handoff]}</li>;
  const status =
    message.status === 'sending' ? 'Sending…' : message.status === 'failed' ? `Not sent: ${message.problem ?? ''}` : (
      <>
        {read ? 'Read · ' : ''}
        <Time at={message.at} text={times.stamp(message.at)} />
      </>
    );
  const { text, code } = withoutHandoffCode(message);
  const note = message.audience === 'agents';
  return (
    <li class={`message ${message.from} ${message.status}${note ? ' note' : ''}${highlighted ? ' highlighted' : ''}`}>
      {note ? (
        <span class="note-label">
          <svg aria-hidden="true" viewBox="0 0 24 24" width="12" height="12">
            <path d="M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linejoin="round" />
          </svg>{' '}
          Internal note<span class="visually-hidden"> (only your team sees it):</span>
        </span>
      ) : (
        <span class="visually-hidden">{message.from === 'agent' ? 'Agent' : 'Visitor'}:</span>
      )}
      {message.status === 'unreadable' ? (
        <p title={message.problem}>This message could not be decrypted ({message.problem}).</p>
      ) : (
        <>
          {code && (
            <span class="handoff-ref" title="The code in the customer’s first WhatsApp message joined it to this web conversation">
              Joined from the web chat ({code})
            </span>
          )}
          {text && <p dir="auto">{tokenize(text).map(rich)}</p>}
          {message.rating && (
            <p class="rating" aria-label={`Rated ${message.rating.score} of 5`}>
              {'★'.repeat(message.rating.score)}
              {'☆'.repeat(5 - message.rating.score)} {message.rating.score}/5{message.rating.comment ? ` — ${message.rating.comment}` : ''}
            </p>
          )}
          {message.file && <FileView file={message.file} open={open} />}
        </>
      )}
      <span class="meta">
        {note ? null : message.channel ? <span class={`badge ${message.channel}`}>{CHANNEL_NAMES[message.channel]}</span> : <span class="badge web">Web</span>} {status}
      </span>
    </li>
  );
}

type MessageProps = Parameters<typeof Message>[0] & { /** The date today: a message's time reads differently from tomorrow. */ day: string };

/**
 * A message in the thread, rendered again only when one of its props changed: a new message in a
 * long conversation renders that message, not the thousands before it.
 */
export class ThreadMessage extends Component<MessageProps> {
  override shouldComponentUpdate(next: MessageProps): boolean {
    return (Object.keys(next) as (keyof MessageProps)[]).some((key) => next[key] !== this.props[key]);
  }

  override render({ day: _, ...props }: MessageProps) {
    return <Message {...props} />;
  }
}
