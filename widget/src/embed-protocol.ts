/**
 * The one contract between the host page (the loader, `loader.ts`) and the chat's cross-origin
 * frame (`frame.ts`). It lives in the widget rather than the SDK: nobody but the widget's two halves
 * speaks it, and the SDK's npm users never see it.
 *
 * Handshake: the frame posts `loaded` to its parent (nothing secret in it); the host, having checked
 * the event's origin (the frame origin it chose) and source (its own iframe), answers `hello` with a
 * `MessagePort`; the frame checks that event's origin (its embedder, which must be allowed for the
 * site) and source (its parent) and from then on both sides talk over the port only. Every message
 * carries the version and is validated on arrival; anything else is a typed `EmbedError`.
 *
 * What crosses to the host is metadata: open state, unread count, a message's id, author, time and
 * messenger — its text only when the business turned "share message text" on for its site (a
 * setting the frame reads from the relay, which the host cannot set).
 */

export const EMBED_VERSION = 1;

/** CSS custom properties the page sets on `<threadline-chat>`, forwarded to the frame. */
export type Theme = Record<string, string>;

export interface EmbedOptions {
  site: string;
  orgKey?: string;
  /** Comma-separated messengers to offer. */
  channels?: string;
  /** The language code the host resolved (option, `<html lang>`, browser). */
  locale: string;
  theme: Theme;
}

/** What a message event tells the host page. */
export interface MessageMeta {
  id: string;
  from: 'visitor' | 'agent';
  at: number;
  channel?: string;
  /** Only with the site's "share message text" setting on. */
  text?: string;
}

export type Call = { id: number } & ({ name: 'open' | 'close' | 'toggle' } | { name: 'send'; arg: string } | { name: 'config'; arg: Partial<EmbedOptions> });

export type HostMessage = ({ v: 1; t: 'hello' } & EmbedOptions) | ({ v: 1; t: 'call' } & Call);

export type FrameMessage =
  | { v: 1; t: 'loaded' }
  /** The frame will not run the chat for this page (not an allowed origin, or another site's frame): the host says so to the visitor. */
  | { v: 1; t: 'refused' }
  | { v: 1; t: 'state'; open: boolean; unread: number; label: string }
  | { v: 1; t: 'message'; message: MessageMeta }
  | { v: 1; t: 'handoff'; channel: string }
  /** A reply came while the page is hidden: flash its title with these words ("New message"), never the message's. */
  | { v: 1; t: 'notify'; title: string }
  | { v: 1; t: 'result'; id: number; value?: MessageMeta; error?: string };

/** A message that broke the protocol: wrong shape, version, origin or sender. Never thrown across the boundary. */
export class EmbedError extends Error {
  override name = 'EmbedError';
  constructor(
    readonly code: 'bad_message' | 'bad_version' | 'wrong_origin' | 'wrong_source',
    reason: string,
  ) {
    super(`Threadline: failed to accept a message between the page and the chat frame: ${reason}. Check the loader's data-frame-origin and the site's allowed origins.`);
  }
}

type Data = Record<string, unknown>;
const isData = (x: unknown): x is Data => typeof x === 'object' && x !== null && !Array.isArray(x);
const isText = (x: unknown, max: number) => typeof x === 'string' && x.length <= max;
const isOptionalText = (x: unknown, max: number) => x === undefined || isText(x, max);
const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
const THEME_NAME = /^--tl-[a-z0-9-]{1,32}$/;

const bad = (what: string) => new EmbedError('bad_message', what);

/** Checks the envelope every message shares, returning its type. */
function envelope(data: unknown): Data & { t: unknown } {
  if (!isData(data)) throw bad('not an object');
  if (data.v !== EMBED_VERSION) throw new EmbedError('bad_version', `version ${String(data.v)}`);
  return data as Data & { t: unknown };
}

/** The sender is the window and origin the side expects (checked before the shape). */
export function checkSender(event: MessageEvent, origin: string, source: MessageEventSource | null): void {
  if (event.origin !== origin) throw new EmbedError('wrong_origin', `from ${event.origin}`);
  if (!source || event.source !== source) throw new EmbedError('wrong_source', 'from another window');
}

function options(data: Data, partial: boolean): Partial<EmbedOptions> {
  const { site, orgKey, channels, locale, theme } = data;
  if (!(partial ? isOptionalText(site, 64) : isText(site, 64) && site)) throw bad('the site is missing or too long');
  if (!isOptionalText(orgKey, 128) || !isOptionalText(channels, 64)) throw bad('the organisation key or channels are not short text');
  if (!(partial ? isOptionalText(locale, 16) : isText(locale, 16))) throw bad('the locale is not a language code');
  if (theme !== undefined || !partial) {
    if (!isData(theme) || Object.keys(theme).length > 24) throw bad('the theme is not a small object');
    for (const [name, value] of Object.entries(theme)) if (!THEME_NAME.test(name) || !isText(value, 200)) throw bad(`the theme's '${name.slice(0, 40)}' is not a --tl- property with short text`);
  }
  return data as Partial<EmbedOptions>;
}

/** Validates what the host page sent the frame. */
export function fromHost(data: unknown): HostMessage {
  const message = envelope(data);
  if (message.t === 'hello') return options(message, false) as HostMessage;
  if (message.t !== 'call' || !isCount(message.id)) throw bad('it is neither a hello nor a call');
  const { name, arg } = message;
  if (name === 'open' || name === 'close' || name === 'toggle') return message as HostMessage;
  if (name === 'send' && isText(arg, 10_000) && (arg as string).trim()) return message as HostMessage;
  if (name === 'config' && isData(arg)) return options(arg, true) && (message as HostMessage);
  throw bad(`'${String(name).slice(0, 40)}' is not a call with a valid argument`);
}

function meta(x: unknown): MessageMeta {
  if (!isData(x) || !isText(x.id, 64) || (x.from !== 'visitor' && x.from !== 'agent') || typeof x.at !== 'number' || !isOptionalText(x.channel, 16) || !isOptionalText(x.text, 10_000)) {
    throw bad('bad metadata');
  }
  return x as unknown as MessageMeta;
}

/** Validates what the frame sent the host page. */
export function fromFrame(data: unknown): FrameMessage {
  const message = envelope(data);
  switch (message.t) {
    case 'loaded':
    case 'refused':
      return message as FrameMessage;
    case 'state':
      if (typeof message.open === 'boolean' && isCount(message.unread) && isText(message.label, 100)) return message as FrameMessage;
      break;
    case 'message':
      return meta(message.message) && (message as FrameMessage);
    case 'handoff':
      if (isText(message.channel, 16)) return message as FrameMessage;
      break;
    case 'notify':
      if (isText(message.title, 100)) return message as FrameMessage;
      break;
    case 'result':
      if (isCount(message.id) && isOptionalText(message.error, 1000) && (message.value === undefined || meta(message.value))) return message as FrameMessage;
  }
  throw bad(`bad '${String(message.t).slice(0, 40)}'`);
}
