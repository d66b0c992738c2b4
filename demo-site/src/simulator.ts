/**
 * The channel simulator behind `/simulator/`: it plays Meta for the demo and the tests.
 * - As the customer's messenger, it turns what a person types on the simulator page into webhook
 *   POSTs signed with the app secret exactly as Meta signs them, and sends them to the relay.
 * - As the Graph API (the relay's Graph base URL points here), it receives the agents' replies and
 *   keeps them in memory for the page to show. It also serves the customer's attachments as Meta
 *   does: WhatsApp media by id (`GET /{media-id}`, then its URL, both with the token), Messenger and
 *   Instagram media at a URL in the webhook. Nothing is written to disk.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { signBody, type SiteChannels } from '@threadline/server';

type Channel = 'whatsapp' | 'messenger' | 'instagram';
export const DEMO_TOKENS: Record<Channel, string> = { whatsapp: 'demo-whatsapp-token', messenger: 'demo-messenger-token', instagram: 'demo-instagram-token' };

interface Reply {
  text: string;
  at: number;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

/** An attachment the customer sent: its bytes, kept in memory for the relay to fetch. */
export interface SimulatedMedia {
  id: string;
  name: string;
  type: string;
  bytes: Buffer;
  channel: Channel;
}

async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > limit) throw new Error('too large');
  }
  return JSON.parse(text) as Record<string, unknown>;
}

const kindOf = (type: string) => (/^(image|audio|video)\//.exec(type)?.[1] ?? 'document') as 'image' | 'audio' | 'video' | 'document';

/** A webhook body as Meta sends it for one customer message (after a referral, when there is a ref), with an attachment at `mediaUrl`. */
export function webhookBody(channel: Channel, accounts: SiteChannels, user: { id: string; name: string }, text: string, ref?: string, media?: SimulatedMedia & { url: string }): unknown {
  const now = Date.now();
  if (channel === 'whatsapp') {
    const { phone, account } = accounts.whatsapp!;
    const kind = media && kindOf(media.type);
    const content = media
      ? { type: kind, [kind!]: { id: media.id, mime_type: media.type, sha256: createHash('sha256').update(media.bytes).digest('base64'), ...(text ? { caption: text } : {}), ...(kind === 'document' ? { filename: media.name } : {}) } }
      : { type: 'text', text: { body: text } };
    const message = { from: user.id, id: `wamid.${randomBytes(18).toString('base64url')}`, timestamp: String(Math.floor(now / 1000)), ...content };
    const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: phone, phone_number_id: account }, contacts: [{ profile: { name: user.name }, wa_id: user.id }], messages: [message] };
    return { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] };
  }
  const account = channel === 'messenger' ? accounts.messenger!.account : accounts.instagram!.account;
  const parties = { sender: { id: user.id }, recipient: { id: account }, timestamp: now };
  const referral = ref ? [{ ...parties, referral: { ref, source: channel === 'messenger' ? 'SHORTLINK' : 'SHORTLINKS', type: 'OPEN_THREAD' } }] : [];
  const attachments = media ? { attachments: [{ type: kindOf(media.type) === 'document' ? 'file' : kindOf(media.type), payload: { url: media.url } }] } : {};
  const message = { ...parties, message: { mid: `m_${randomBytes(18).toString('base64url')}`, ...(text ? { text } : {}), ...attachments } };
  return { object: channel === 'messenger' ? 'page' : 'instagram', entry: [{ id: account, time: now, messaging: [...referral, message] }] };
}

export function createSimulator(options: { appSecret: string; accounts: SiteChannels }) {
  const replies = new Map<string, Reply[]>();
  const record = (channel: Channel, user: string, text: string) => {
    const key = `${channel}:${user}`;
    replies.set(key, [...(replies.get(key) ?? []), { text, at: Date.now() }]);
  };
  const media = new Map<string, SimulatedMedia>();
  const channelOfToken = (req: IncomingMessage) => (Object.keys(DEMO_TOKENS) as Channel[]).find((c) => req.headers.authorization === `Bearer ${DEMO_TOKENS[c]}`);

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!/^\/simulator\/(graph|api|media)\//.test(url.pathname)) return false;
    try {
      // WhatsApp's media endpoint (with the token), and the download every platform's URL points at.
      const mediaId = /^\/simulator\/(graph|media)\/(\d+)$/.exec(url.pathname);
      if (req.method === 'GET' && mediaId) {
        const item = media.get(mediaId[2]!);
        const whatsapp = item?.channel === 'whatsapp';
        if (whatsapp && channelOfToken(req) !== 'whatsapp') return json(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }), true;
        if (!item) return json(res, 404, { error: { message: 'Unsupported get request.', code: 100 } }), true;
        if (mediaId[1] === 'graph') return json(res, 200, { messaging_product: 'whatsapp', url: `http://${req.headers.host}/simulator/media/${item.id}`, mime_type: item.type, file_size: item.bytes.length, id: item.id }), true;
        res.writeHead(200, { 'content-type': item.type, 'content-length': item.bytes.length });
        return res.end(item.bytes), true;
      }
      // The Graph API send endpoints.
      if (req.method === 'POST' && url.pathname.startsWith('/simulator/graph/')) {
        const channel = channelOfToken(req);
        if (!channel) return json(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }), true;
        const body = await readJson(req);
        if (channel === 'whatsapp') {
          const to = String(body.to ?? body.recipient);
          record(channel, to, String((body.text as { body?: string })?.body ?? ''));
          return json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${randomBytes(12).toString('base64url')}` }] }), true;
        }
        const to = String((body.recipient as { id?: string })?.id);
        record(channel, to, String((body.message as { text?: string })?.text ?? ''));
        return json(res, 200, { recipient_id: to, message_id: `m_${randomBytes(12).toString('base64url')}` }), true;
      }
      // The simulator page: a customer writes; the page polls for replies.
      if (req.method === 'POST' && url.pathname === '/simulator/api/send') {
        const { channel, user, name, text, ref, file } = (await readJson(req, 12 * 1024 * 1024)) as { channel: Channel; user: string; name: string; text: string; ref?: string; file?: { name: string; type: string; data: string } };
        let attached: (SimulatedMedia & { url: string }) | undefined;
        if (file) {
          const id = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
          const item = { id, name: String(file.name), type: String(file.type) || 'application/octet-stream', bytes: Buffer.from(String(file.data), 'base64'), channel };
          media.set(id, item);
          attached = { ...item, url: `http://${req.headers.host}/simulator/media/${id}` };
        }
        const body = JSON.stringify(webhookBody(channel, options.accounts, { id: user, name }, text, ref, attached));
        const response = await fetch(`http://${req.headers.host}/webhooks/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(options.appSecret, body) },
          body,
        });
        return json(res, response.status, await response.json()), true;
      }
      if (req.method === 'GET' && url.pathname === '/simulator/api/replies') {
        return json(res, 200, { replies: replies.get(`${url.searchParams.get('channel')}:${url.searchParams.get('user')}`) ?? [] }), true;
      }
      return json(res, 404, { error: 'unknown simulator route' }), true;
    } catch (error) {
      return json(res, 400, { error: String(error) }), true;
    }
  };
}
