/**
 * The channel simulator behind `/simulator/`: it plays Meta for the demo and the tests.
 * - As the customer's messenger, it turns what a person types on the simulator page into webhook
 *   POSTs signed with the app secret exactly as Meta signs them, and sends them to the relay.
 * - As the Graph API (the relay's Graph base URL points here), it receives the agents' replies and
 *   keeps them in memory for the page to show. Nothing is written to disk.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
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

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 64 * 1024) throw new Error('too large');
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** A webhook body as Meta sends it for one customer message (after a referral, when there is a ref). */
export function webhookBody(channel: Channel, accounts: SiteChannels, user: { id: string; name: string }, text: string, ref?: string): unknown {
  const now = Date.now();
  if (channel === 'whatsapp') {
    const { phone, account } = accounts.whatsapp!;
    const message = { from: user.id, id: `wamid.${randomBytes(18).toString('base64url')}`, timestamp: String(Math.floor(now / 1000)), type: 'text', text: { body: text } };
    const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: phone, phone_number_id: account }, contacts: [{ profile: { name: user.name }, wa_id: user.id }], messages: [message] };
    return { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] };
  }
  const account = channel === 'messenger' ? accounts.messenger!.account : accounts.instagram!.account;
  const parties = { sender: { id: user.id }, recipient: { id: account }, timestamp: now };
  const referral = ref ? [{ ...parties, referral: { ref, source: channel === 'messenger' ? 'SHORTLINK' : 'SHORTLINKS', type: 'OPEN_THREAD' } }] : [];
  const message = { ...parties, message: { mid: `m_${randomBytes(18).toString('base64url')}`, text } };
  return { object: channel === 'messenger' ? 'page' : 'instagram', entry: [{ id: account, time: now, messaging: [...referral, message] }] };
}

export function createSimulator(options: { appSecret: string; accounts: SiteChannels }) {
  const replies = new Map<string, Reply[]>();
  const record = (channel: Channel, user: string, text: string) => {
    const key = `${channel}:${user}`;
    replies.set(key, [...(replies.get(key) ?? []), { text, at: Date.now() }]);
  };
  const channelOfToken = (req: IncomingMessage) => (Object.keys(DEMO_TOKENS) as Channel[]).find((c) => req.headers.authorization === `Bearer ${DEMO_TOKENS[c]}`);

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith('/simulator/graph/') && !url.pathname.startsWith('/simulator/api/')) return false;
    try {
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
        const { channel, user, name, text, ref } = (await readJson(req)) as { channel: Channel; user: string; name: string; text: string; ref?: string };
        const body = JSON.stringify(webhookBody(channel, options.accounts, { id: user, name }, text, ref));
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
