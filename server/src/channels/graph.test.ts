/** The Graph API send clients against msw handlers that answer as Meta's documented responses do. */
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, sendMedia, sendText, type GraphConfig } from './graph.ts';

const GRAPH = 'https://graph.test/v21.0';
const config: GraphConfig = { graphUrl: GRAPH, tokens: { whatsapp: 'wa-token', messenger: 'page-token', instagram: 'ig-token' } };
const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../../tests/fixtures/meta/${name}.json`, import.meta.url), 'utf8')) as T;
const errors = fixture<Record<string, { httpStatus: number; body: unknown }>>('graph-errors');
const success = fixture<Record<string, unknown>>('graph-success');

const requests: { url: string; auth: string | null; body: Record<string, unknown> }[] = [];
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

function answer(path: string, status: number, body: unknown) {
  server.use(
    http.post(`${GRAPH}/${path}`, async ({ request }) => {
      requests.push({ url: request.url, auth: request.headers.get('authorization'), body: (await request.json()) as Record<string, unknown> });
      return HttpResponse.json(body as Record<string, unknown>, { status });
    }),
  );
}
const successFor = (key: string) => Object.entries(success).find(([k]) => k.toLowerCase().includes(key))![1];

describe('Graph API send clients', () => {
  it('sends WhatsApp text to a wa_id, and to a business-scoped user id as `recipient`', async () => {
    answer('106540352242922/messages', 200, successFor('whatsapp'));
    await sendText(config, 'whatsapp', '106540352242922', '16505551234', 'Hello', false);
    await sendText(config, 'whatsapp', '106540352242922', 'US.1180457736212409583', 'Hello', false);
    expect(requests[0]).toMatchObject({ auth: 'Bearer wa-token', body: { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'Hello' } } });
    expect(requests[1]!.body).toMatchObject({ recipient: 'US.1180457736212409583' });
    expect(requests[1]!.body.to).toBeUndefined();
  });

  it('sends Messenger and Instagram replies as RESPONSE, or with the HUMAN_AGENT tag after 24 hours', async () => {
    answer('me/messages', 200, successFor('messenger'));
    await sendText(config, 'messenger', '1234567890', 'PSID1', 'Hi', false);
    await sendText(config, 'instagram', '17841400123456789', 'IGSID1', 'Hi', true);
    expect(requests[0]).toMatchObject({ auth: 'Bearer page-token', body: { recipient: { id: 'PSID1' }, messaging_type: 'RESPONSE', message: { text: 'Hi' } } });
    expect(requests[1]).toMatchObject({ auth: 'Bearer ig-token', body: { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } });
  });

  it.each([
    ['whatsappReengagement131047', 'whatsapp', /more than 24 hours.*template/],
    ['whatsappThroughput130429', 'whatsapp', /limiting how fast.*Wait a minute/],
    ['whatsappPairRate131056', 'whatsapp', /limiting how fast/],
    ['messengerOutsideWindow', 'messenger', /does not allow a reply now/],
    ['messengerRateLimit613', 'messenger', /limiting how fast/],
    ['instagramOutsideWindow', 'instagram', /does not allow a reply now/],
    ['invalidToken190', 'messenger', /refused the relay's access token/],
  ] as const)('explains %s to the agent in words', async (key, channel, words) => {
    const { httpStatus, body } = errors[key]!;
    answer(channel === 'whatsapp' ? 'acct/messages' : 'me/messages', httpStatus, body);
    const failure = await sendText(config, channel, 'acct', 'someone', 'Hi', false).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as Error).message).toMatch(words);
  });

  it('refuses over-long texts and missing tokens before calling the platform', async () => {
    await expect(sendText(config, 'instagram', 'a', 'b', 'é'.repeat(501), false)).rejects.toMatchObject({ code: 'too_long' });
    await expect(sendText({ graphUrl: GRAPH, tokens: {} }, 'messenger', 'a', 'b', 'Hi', false)).rejects.toMatchObject({ code: 'not_configured' });
    expect(requests).toHaveLength(0);
  });

  it('uploads a file to WhatsApp’s media endpoint, then sends its media id (a document with its name)', async () => {
    const uploads: { fields: Record<string, string>; file?: { name: string; type: string; size: number } }[] = [];
    server.use(
      http.post(`${GRAPH}/106540352242922/media`, async ({ request }) => {
        const form = await request.formData();
        const file = form.get('file') as File;
        uploads.push({ fields: { messaging_product: String(form.get('messaging_product')), type: String(form.get('type')) }, file: { name: file.name, type: file.type, size: file.size } });
        return HttpResponse.json({ id: '1037543291543636' });
      }),
    );
    answer('106540352242922/messages', 200, successFor('whatsapp'));
    const bytes = new Uint8Array(3000).fill(9);
    await sendMedia(config, 'whatsapp', '106540352242922', '16505551234', { bytes, type: 'application/pdf', name: 'receipt.pdf' }, false);
    expect(uploads).toEqual([{ fields: { messaging_product: 'whatsapp', type: 'application/pdf' }, file: { name: 'receipt.pdf', type: 'application/pdf', size: 3000 } }]);
    expect(requests[0]).toMatchObject({ auth: 'Bearer wa-token', body: { to: '16505551234', type: 'document', document: { id: '1037543291543636', filename: 'receipt.pdf' } } });
  });

  it('sends a file to Messenger and Instagram as an attachment uploaded with the message, tagged after 24 hours', async () => {
    const sent: Record<string, unknown>[] = [];
    server.use(
      http.post(`${GRAPH}/me/messages`, async ({ request }) => {
        const form = await request.formData();
        const file = form.get('filedata') as File;
        sent.push({ auth: request.headers.get('authorization'), recipient: JSON.parse(String(form.get('recipient'))), type: form.get('messaging_type'), tag: form.get('tag'), message: JSON.parse(String(form.get('message'))), file: [file.name, file.type, file.size] });
        return HttpResponse.json({ recipient_id: 'PSID1', message_id: 'm_1' });
      }),
    );
    const photo = { bytes: new Uint8Array(500), type: 'image/png', name: 'label.png' };
    expect(await sendMedia(config, 'messenger', '1234567890', 'PSID1', photo, false)).toBe('m_1');
    await sendMedia(config, 'instagram', '17841400123456789', 'IGSID1', { ...photo, type: 'application/pdf', name: 'a.pdf' }, true);
    expect(sent).toEqual([
      { auth: 'Bearer page-token', recipient: { id: 'PSID1' }, type: 'RESPONSE', tag: null, message: { attachment: { type: 'image', payload: { is_reusable: false } } }, file: ['label.png', 'image/png', 500] },
      { auth: 'Bearer ig-token', recipient: { id: 'IGSID1' }, type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { attachment: { type: 'file', payload: { is_reusable: false } } }, file: ['a.pdf', 'application/pdf', 500] },
    ]);
  });

  it('explains a refused upload in words', async () => {
    const { httpStatus, body } = errors.invalidToken190!;
    server.use(http.post(`${GRAPH}/acct/media`, () => HttpResponse.json(body as Record<string, unknown>, { status: httpStatus })));
    const failure = await sendMedia(config, 'whatsapp', 'acct', 'someone', { bytes: new Uint8Array(1), type: 'image/png', name: 'x.png' }, false).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'platform_190', message: expect.stringMatching(/refused the relay's access token/) });
  });
});
