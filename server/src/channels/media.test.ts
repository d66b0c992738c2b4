/**
 * Attachments from WhatsApp, Messenger and Instagram, against a running relay with the Graph API and
 * the platforms' CDN answered by msw: fetched, encrypted into a blob the relay cannot read, and
 * opened with the inbox key as the console opens them.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openFile } from '../../../sdk/src/crypto/attachments.ts';
import { fromBase64Url, fromUtf8, toBase64Url } from '../../../sdk/src/crypto/encoding.ts';
import { openFromInbox, type SealedBody } from '../../../sdk/src/crypto/message.ts';
import { generateX25519, publicBytes } from '../../../sdk/src/crypto/primitives.ts';
import type { FileRef } from '../../../sdk/src/file-ref.ts';
import { createRelay, type Relay } from '../index.ts';
import { signBody } from './signature.ts';

const SECRET = 'test-app-secret';
const GRAPH = 'https://graph.test/v21.0';
const fixtureText = (name: string) => readFileSync(new URL(`../../../tests/fixtures/meta/${name}.json`, import.meta.url), 'utf8');
const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64url');

const photo = randomBytes(150_000);
const voice = randomBytes(9_000);
const pdf = randomBytes(20_000);
const requests: { url: string; auth: string | null }[] = [];
const graph = setupServer();
let relay: Relay;
let base: string;
let dataDir: string;
let inbox: CryptoKeyPair;

beforeAll(async () => {
  graph.listen({ onUnhandledRequest: 'bypass' });
  inbox = await generateX25519(true);
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-media-'));
  relay = await createRelay({ dataDir, maxBlobBytes: 1_000_000, meta: { appSecret: SECRET, verifyToken: 'v', graphUrl: GRAPH, tokens: { whatsapp: 'wa-token', messenger: 'page-token' } } });
  await relay.store.createSite('shop', 'Shop');
  const directory = JSON.stringify({ v: 2, site: 'shop', version: 1, issuedAt: 1, orgKey: b64(32), inboxKey: toBase64Url(await publicBytes(inbox.publicKey)), devices: [] });
  await relay.store.setDirectory('shop', { directory, signature: b64(64) }, 1, []);
  await relay.store.setChannels('shop', { whatsapp: { phone: '15550001111', account: '106540352242922' }, messenger: { page: 'shop', account: '1234567890' } });
  const { port } = await relay.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});
afterEach(() => {
  graph.resetHandlers();
  requests.length = 0;
});
afterAll(async () => {
  graph.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** WhatsApp's two steps: the media id gives a URL, which is fetched with the same token. */
function whatsAppMedia(media: Record<string, { bytes: Uint8Array; type: string } | number>) {
  graph.use(
    http.get(`${GRAPH}/:id`, ({ params, request }) => {
      requests.push({ url: request.url, auth: request.headers.get('authorization') });
      const item = media[params.id as string];
      if (typeof item === 'number') return new HttpResponse(null, { status: item });
      if (!item) return HttpResponse.json({ error: { code: 100, message: 'Unsupported get request' } }, { status: 400 });
      return HttpResponse.json({ messaging_product: 'whatsapp', url: `https://lookaside.fbsbx.test/whatsapp_business/attachments/?mid=${params.id}`, mime_type: item.type, file_size: item.bytes.byteLength, id: params.id });
    }),
    http.get('https://lookaside.fbsbx.test/whatsapp_business/attachments/', ({ request }) => {
      requests.push({ url: request.url, auth: request.headers.get('authorization') });
      if (request.headers.get('authorization') !== 'Bearer wa-token') return new HttpResponse(null, { status: 401 });
      const item = media[new URL(request.url).searchParams.get('mid')!] as { bytes: Uint8Array; type: string };
      return new HttpResponse(item.bytes.slice().buffer, { headers: { 'content-type': item.type } });
    }),
  );
}

const post = (channel: string, body: string) => fetch(`${base}/webhooks/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(SECRET, body) }, body });

/** The customer's messages as the console reads them: opened with the inbox key, files downloaded and decrypted. */
async function thread(channel: 'whatsapp' | 'messenger', identity: string) {
  const conversationId = (await relay.store.linkedConversation('shop', channel, identity))!;
  const messages = [];
  for (const envelope of await relay.store.since(conversationId, 0)) {
    const meta = { conversationId, id: envelope.id, from: envelope.from, device: envelope.device, expiresAt: envelope.expiresAt };
    const content = JSON.parse(fromUtf8(await openFromInbox(inbox, meta, envelope as unknown as SealedBody, null))) as { text?: string; file?: FileRef };
    messages.push(content);
  }
  return { conversationId, messages };
}
const blob = (conversationId: string, file: FileRef) => openFile(readFileSync(join(dataDir, 'blobs', conversationId, file.blob)), fromBase64Url(file.key), fromBase64Url(file.hash));

describe('attachments from messengers', () => {
  it('fetches WhatsApp media by id with the token, seals each into a blob the relay cannot read, and keeps captions, names and types', async () => {
    whatsAppMedia({ '1003383421387256': { bytes: photo, type: 'image/jpeg' }, '1255719458905271': { bytes: voice, type: 'audio/ogg' }, '2013553829105839': { bytes: pdf, type: 'application/pdf' } });
    const response = await post('whatsapp', fixtureText('whatsapp-media'));
    expect(await response.json()).toEqual({ ok: true, events: 6, failed: 0 });
    expect(requests.every((r) => r.auth === 'Bearer wa-token')).toBe(true);

    const { conversationId, messages } = await thread('whatsapp', '16505559876');
    expect(messages.map((m) => [m.text?.split('\n')[0], m.file && [m.file.name, m.file.type, m.file.size]])).toEqual([
      ['The parcel arrived like this', ['photo.jpg', 'image/jpeg', photo.byteLength]],
      [undefined, ['audio.ogg', 'audio/ogg', voice.byteLength]],
      [undefined, ['invoice-4471.pdf', 'application/pdf', pdf.byteLength]],
      ['Shared a location', undefined],
      ['Shared a contact', undefined],
      ['Reacted ❤️ to a message', undefined],
    ]);
    expect(await blob(conversationId, messages[0]!.file!)).toEqual(photo);
    expect(await blob(conversationId, messages[1]!.file!)).toEqual(voice);
    expect(await blob(conversationId, messages[2]!.file!)).toEqual(pdf);
    // Only ciphertext on disk: no stretch of the plaintext appears in any blob.
    for (const name of readdirSync(join(dataDir, 'blobs', conversationId))) expect(readFileSync(join(dataDir, 'blobs', conversationId, name)).includes(Buffer.from(photo.subarray(1000, 1064)))).toBe(false);
  });

  it('fetches Messenger images from their URLs, one message each, and counts them against the storage quota', async () => {
    const images = [randomBytes(4000), randomBytes(5000)];
    graph.use(http.get('https://lookaside.fbsbx.test/ig_messaging_cdn/', ({ request }) => new HttpResponse(images[Number(new URL(request.url).searchParams.get('asset_id')) - 1]!.slice().buffer, { headers: { 'content-type': 'image/png' } })));
    expect((await post('messenger', fixtureText('messenger-media'))).status).toBe(200);
    const { conversationId, messages } = await thread('messenger', '6283419057739999');
    expect(messages.map((m) => [m.text, m.file?.name])).toEqual([
      ['Two photos of the damage', 'photo.png'],
      [undefined, 'photo.png'],
      ['Reacted ❤️ to a message', undefined],
    ]);
    expect(await blob(conversationId, messages[1]!.file!)).toEqual(images[1]);
    expect((await relay.store.usage(conversationId))!.conversation).toBeGreaterThan(9000);
  });

  it('says in the thread why a file is missing when it is gone or too large, and asks Meta to deliver again while the platform is down', async () => {
    const body = (id: string, mediaId: string) => fixtureText('whatsapp-media').replaceAll('16505559876', '447700900123').replace(/"id": "wamid[^"]*"/, `"id": "${id}"`).replace('1003383421387256', mediaId);
    whatsAppMedia({ gone: 404, big: { bytes: randomBytes(1_200_000), type: 'image/jpeg' }, flaky: 503 });
    const answer = async (id: string, mediaId: string) => (await post('whatsapp', body(id, mediaId))).status;
    expect(await answer('wamid.gone', 'gone')).toBe(200);
    expect(await answer('wamid.big', 'big')).toBe(200);
    expect(await answer('wamid.flaky', 'flaky')).toBe(500);
    const { messages } = await thread('whatsapp', '447700900123');
    const photos = messages.filter((m) => m.text?.startsWith('The parcel'));
    expect(photos.map((m) => [m.file, m.text!.split('\n')[1]])).toEqual([
      [undefined, '[a photo from WhatsApp that the relay could not fetch: WhatsApp answered HTTP 404 for the attachment]'],
      [undefined, "[a photo from WhatsApp that the relay could not fetch: the attachment from WhatsApp is over the relay's limit of 1 MB]"],
    ]);

    // Back up: the redelivered batch stores the photo once, and nothing twice.
    whatsAppMedia({ flaky: { bytes: photo, type: 'image/jpeg' }, '1255719458905271': { bytes: voice, type: 'audio/ogg' }, '2013553829105839': { bytes: pdf, type: 'application/pdf' } });
    const before = (await thread('whatsapp', '447700900123')).messages.length;
    expect(await answer('wamid.flaky', 'flaky')).toBe(200);
    const after = await thread('whatsapp', '447700900123');
    expect(after.messages.length).toBe(before + 1);
    expect(await blob(after.conversationId, after.messages.at(-1)!.file!)).toEqual(photo);
  });
});
