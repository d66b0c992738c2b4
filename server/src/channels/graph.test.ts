/** The Graph API send clients against msw handlers that answer as Meta's documented responses do. */
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, sendText, type GraphConfig } from './graph.ts';

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
});
