/**
 * Replies out through the Graph API send endpoints. The base URL is configuration (tests and the
 * demo point it at a simulator). Platform errors come back as `ChannelError`s in words an agent can
 * act on.
 */
import { CHANNEL_NAMES, type Channel } from '@threadline/sdk/protocol';

export interface GraphConfig {
  graphUrl: string;
  tokens: Partial<Record<Channel, string>>;
}

/** Longest text each platform accepts: WhatsApp 4,096 characters, Messenger under 2,000, Instagram 1,000 bytes. */
export const TEXT_LIMITS: Record<Channel, number> = { whatsapp: 4096, messenger: 1999, instagram: 1000 };
const length = (channel: Channel, text: string) => (channel === 'instagram' ? Buffer.byteLength(text) : text.length);
/** A WhatsApp business-scoped user id (two-letter country code, a dot, then the id) is addressed as `recipient`. */
const BSUID = /^[A-Z]{2}\./;

export class ChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a platform error means for the agent. */
export function explain(channel: Channel, error: { code?: number; error_subcode?: number; message?: string }): string {
  const name = CHANNEL_NAMES[channel];
  switch (error.code) {
    case 131047:
      return `more than 24 hours have passed since the customer last wrote on ${name}, which now accepts only approved template messages. Ask the customer to write again`;
    case 130429:
    case 131056:
    case 80007:
    case 613:
    case 32:
    case 4:
      return `${name} is limiting how fast this business sends messages. Wait a minute and send again`;
    case 190:
      return `${name} refused the relay's access token. Update the token in the relay's configuration`;
    case 10:
    case 551:
      return `${name} does not allow a reply now (the customer's messaging window has closed or they cannot be reached)`;
    default:
      return `${name} refused the message (error ${error.code ?? 'unknown'}${error.message ? `: ${error.message}` : ''})`;
  }
}

export async function sendText(config: GraphConfig, channel: Channel, account: string, to: string, text: string, humanAgentTag: boolean): Promise<string> {
  const token = config.tokens[channel];
  if (!token) throw new ChannelError('not_configured', `the relay has no access token for ${CHANNEL_NAMES[channel]}`);
  if (length(channel, text) > TEXT_LIMITS[channel]) throw new ChannelError('too_long', `${CHANNEL_NAMES[channel]} accepts at most ${TEXT_LIMITS[channel]} characters; shorten the reply`);
  const [path, body] =
    channel === 'whatsapp'
      ? [`${account}/messages`, { messaging_product: 'whatsapp', recipient_type: 'individual', ...(BSUID.test(to) ? { recipient: to } : { to }), type: 'text', text: { body: text } }]
      : ['me/messages', { recipient: { id: to }, messaging_type: humanAgentTag ? 'MESSAGE_TAG' : 'RESPONSE', ...(humanAgentTag ? { tag: 'HUMAN_AGENT' } : {}), message: { text } }];
  let response: Response;
  try {
    response = await fetch(`${config.graphUrl.replace(/\/$/, '')}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ChannelError('unreachable', `${CHANNEL_NAMES[channel]} could not be reached; try again`);
  }
  const answer = (await response.json().catch(() => ({}))) as { error?: { code?: number; error_subcode?: number; message?: string }; messages?: { id?: string }[]; message_id?: string };
  if (!response.ok || answer.error) throw new ChannelError(`platform_${answer.error?.code ?? response.status}`, explain(channel, answer.error ?? {}));
  return answer.messages?.[0]?.id ?? answer.message_id ?? '';
}

/**
 * Downloads an attachment a customer sent, up to `maxBytes`: WhatsApp's through the Graph API (the
 * media id gives a short-lived URL, fetched with the same token), Messenger's and Instagram's from
 * the URL in the webhook. `ChannelError` codes `unreachable` and `platform_5xx` are worth a retry.
 */
export async function fetchMedia(config: GraphConfig, channel: Channel, media: { id?: string; url?: string }, maxBytes: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
  const name = CHANNEL_NAMES[channel];
  let url = media.url;
  let headers: Record<string, string> = {};
  if (channel === 'whatsapp') {
    const token = config.tokens.whatsapp;
    if (!token) throw new ChannelError('not_configured', `the relay has no access token for ${name}`);
    headers = { authorization: `Bearer ${token}` };
    const info = (await (await get(`${config.graphUrl.replace(/\/$/, '')}/${encodeURIComponent(media.id ?? '')}`, headers, name)).json().catch(() => ({}))) as { url?: unknown; file_size?: unknown };
    if (typeof info.file_size === 'number' && info.file_size > maxBytes) throw tooLarge(name, maxBytes);
    url = typeof info.url === 'string' ? info.url : undefined;
  }
  if (!url || !/^https?:\/\//.test(url)) throw new ChannelError('platform_400', `${name} gave no address for the attachment`);
  const response = await get(url, headers, name);
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let part = await reader?.read(); part && !part.done; part = await reader!.read()) {
    size += part.value.byteLength;
    if (size > maxBytes) {
      await reader!.cancel();
      throw tooLarge(name, maxBytes);
    }
    chunks.push(part.value);
  }
  const bytes = new Uint8Array(size);
  chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0);
  return { bytes, type: response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream' };
}

const tooLarge = (name: string, maxBytes: number) => new ChannelError('too_large', `the attachment from ${name} is over the relay's limit of ${Math.round(maxBytes / 1024 / 1024)} MB`);

async function get(url: string, headers: Record<string, string>, name: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers });
  } catch {
    throw new ChannelError('unreachable', `${name} could not be reached; try again`);
  }
  if (!response.ok) throw new ChannelError(`platform_${response.status}`, `${name} answered HTTP ${response.status} for the attachment`);
  return response;
}
