/**
 * `/webhooks/whatsapp`, `/webhooks/messenger`, `/webhooks/instagram`: the GET verification handshake,
 * and POSTs whose `X-Hub-Signature-256` is checked over the raw bytes before anything is parsed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHANNELS, type Channel } from '@threadline/sdk/protocol';
import type { Hub } from '../hub.ts';
import { HttpError, SECURITY_HEADERS, sendJson, voice } from '../responses.ts';
import type { Storage } from '../storage/index.ts';
import type { Limiter } from '../rate-limit.ts';
import type { Blobs } from '../blobs.ts';
import type { Logger } from '../log.ts';
import type { RelayMetrics, WebhookRefusal } from '../metrics.ts';
import { fetchMedia, type GraphConfig } from './graph.ts';
import type { MediaPorts } from './inbound-media.ts';
import { receive } from './inbound.ts';
import { parseMessaging, parseWhatsApp } from './parse.ts';
import { validSignature } from './signature.ts';

const BODY_LIMIT = 1024 * 1024;

export interface WebhookConfig {
  appSecret: string;
  verifyToken: string;
}

async function rawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new HttpError(413, 'too_large', voice('read the webhook', `the body is over ${BODY_LIMIT} bytes`, 'Meta sends smaller batches; check the sender.'));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function createWebhooks(store: Storage, hub: Hub, config: (WebhookConfig & GraphConfig) | undefined, limit: Limiter, blobs: Blobs, log: Logger, metrics: RelayMetrics) {
  const media: MediaPorts | undefined = config && {
    fetch: (channel, item) => fetchMedia(config, channel, item, blobs.maxBytes),
    put: (conversationId, blobId, ciphertext) => blobs.put(conversationId, blobId, ciphertext),
  };
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const channel = /^\/webhooks\/([a-z]+)$/.exec(url.pathname)?.[1] as Channel | undefined;
    if (!channel || !CHANNELS.includes(channel)) return false;
    /** The refusal, counted by its reason. */
    const refuse = (reason: WebhookRefusal, error: HttpError) => {
      metrics.webhook(channel, 'refused', reason);
      return error;
    };
    if (!config) throw refuse('not_configured', new HttpError(503, 'internal', voice('take the webhook', 'the relay has no Meta app configured', 'Set THREADLINE_META_APP_SECRET and THREADLINE_META_VERIFY_TOKEN.')));

    if (req.method === 'GET') {
      const ok = url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === config.verifyToken;
      if (!ok) throw refuse('verify_token', new HttpError(403, 'forbidden', voice('verify the webhook', 'the verify token does not match', 'Use the token set as THREADLINE_META_VERIFY_TOKEN.')));
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
      res.end(url.searchParams.get('hub.challenge') ?? '');
      metrics.webhook(channel, 'verified');
      return true;
    }
    if (req.method !== 'POST') throw refuse('method', new HttpError(405, 'bad_frame', voice('take the webhook', `${req.method} is not allowed`, 'Meta sends GET and POST.')));

    const body = await rawBody(req).catch((error: unknown) => {
      throw error instanceof HttpError ? refuse('too_large', error) : error;
    });
    if (!validSignature(config.appSecret, body, req.headers['x-hub-signature-256'] as string | undefined)) {
      throw refuse('signature', new HttpError(403, 'forbidden', voice('take the webhook', 'the X-Hub-Signature-256 is missing or wrong', 'Sign with the app secret set as THREADLINE_META_APP_SECRET.')));
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw refuse('not_json', new HttpError(400, 'bad_frame', voice('take the webhook', 'the body is not JSON', 'Send the JSON Meta documents.')));
    }
    const events = channel === 'whatsapp' ? parseWhatsApp(payload) : parseMessaging(payload, channel);
    metrics.messagesReceived.inc({ from: 'channel' }, events.length);
    let failed = 0;
    for (const event of events) {
      try {
        await receive(store, hub, event, limit, media);
      } catch (error) {
        failed++;
        log.error({ err: error, channel }, 'a messenger message could not be stored');
      }
    }
    // A failure answers 500 so Meta delivers the batch again; what was stored is recognised by id.
    sendJson(res, failed ? 500 : 200, { ok: failed === 0, events: events.length, failed });
    metrics.webhook(channel, failed ? 'failed' : 'accepted');
    return true;
  };
}
