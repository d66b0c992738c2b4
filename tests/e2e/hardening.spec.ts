/**
 * The relay's origin allow-list, seen from a real browser: the demo business lists its own shop, so
 * a page on another website is refused over HTTP (readable, typed error; preflights fail) and on the
 * socket (typed error frame, close 1008) — until an admin adds that website in the console.
 */
import type { Page } from '@playwright/test';
import { device } from '../../server/src/test-relay.ts';
import { expect, signIn, test } from './helpers.ts';

const ELSEWHERE = 'https://elsewhere.test';

/** A page on another website (served by the test), from which scripts call the relay. */
async function elsewhere(page: Page): Promise<void> {
  await page.route(`${ELSEWHERE}/`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><title>Elsewhere</title><h1>Another website</h1>' }));
  await page.goto(`${ELSEWHERE}/`);
  await page.unrouteAll(); // what follows goes to the network as it would from a real page (preflights included)
}

/** What a script on the page gets from the relay: the config fetch, a registration, an agent call and a socket hello. */
const probe = (page: Page, relay: string, token: string) =>
  page.evaluate(
    async ({ relay, token }) => {
      const outcome = async (run: () => Promise<Response>) => {
        try {
          const response = await run();
          return { status: response.status, body: await response.json() };
        } catch (error) {
          return { failed: String(error) };
        }
      };
      const config = await outcome(() => fetch(`${relay}/v1/sites/demo/config`));
      const register = await outcome(() => fetch(`${relay}/v1/sites/demo/visitors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
      const agent = await outcome(() => fetch(`${relay}/v1/agent/conversations`, { headers: { authorization: `Bearer ${token}` } }));
      const socket = await new Promise<{ frames: unknown[]; code: number | null }>((resolve) => {
        const ws = new WebSocket(`${relay.replace('http', 'ws')}/v1/socket`);
        const frames: unknown[] = [];
        ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token }));
        ws.onmessage = (event) => {
          frames.push(JSON.parse(String(event.data)));
          if (frames.length === 1 && (frames[0] as { type: string }).type === 'welcome') ws.close();
        };
        ws.onclose = (event) => resolve({ frames, code: event.code });
      });
      return { config, register, agent, socket };
    },
    { relay, token },
  );

test('another website is refused by the relay until an admin allows its origin in the console', async ({ browser, baseURL, request }) => {
  // A visitor of the shop, registered from the shop's own origin.
  const registration = await request.post(`${baseURL}/v1/sites/demo/visitors`, { data: { device: device() }, headers: { origin: baseURL! } });
  expect(registration.status()).toBe(200);
  const { token } = (await registration.json()) as { token: string };

  const page = await (await browser.newContext()).newPage();
  await elsewhere(page);
  const refused = await probe(page, baseURL!, token);
  expect(refused.config).toEqual({
    status: 403,
    body: { error: { code: 'forbidden', message: `Threadline: failed to use the chat of site 'demo' from ${ELSEWHERE}: this website is not on the site’s allowed origins. Add it under Install → Allowed origins in the console.` } },
  });
  expect(refused.register).toEqual({ failed: 'TypeError: Failed to fetch' }); // the preflight is refused: nothing is registered
  expect(refused.agent).toEqual({ failed: 'TypeError: Failed to fetch' }); // agents' routes answer no other origin
  expect(refused.socket.code).toBe(1008);
  expect(refused.socket.frames).toEqual([{ type: 'error', code: 'forbidden', message: expect.stringContaining('is not on the site’s allowed origins') }]);

  // An admin adds the website on the console's Install page.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin);
  await admin.getByRole('link', { name: 'Install' }).click();
  const field = admin.getByLabel(/Allowed origins/);
  await expect(field).toHaveValue(/http:\/\/127\.0\.0\.1:\d+\nhttp:\/\/localhost:\d+/); // the demo lists its own shop
  const listed = await field.inputValue();
  await field.fill(`${listed}\nnot an origin`);
  await admin.getByRole('button', { name: 'Save origins' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'not an origin' })).toContainText("Threadline: failed to save the allowed origins: 'not an origin' is not an origin.");
  await field.fill(`${listed}\n${ELSEWHERE}`);
  await admin.getByRole('button', { name: 'Save origins' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  const allowed = await probe(page, baseURL!, token);
  expect(allowed.config).toMatchObject({ status: 200, body: { site: 'demo' } });
  expect(allowed.register).toMatchObject({ status: 400, body: { error: { code: 'bad_frame' } } }); // reaches the relay now (and its body is checked)
  expect(allowed.agent).toEqual({ failed: 'TypeError: Failed to fetch' });
  expect(allowed.socket).toEqual({ frames: [{ type: 'welcome', role: 'visitor' }], code: 1005 });

  // Put the list back as it was, for the specs that follow.
  await field.fill(listed);
  await admin.getByRole('button', { name: 'Save origins' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  expect((await probe(page, baseURL!, token)).config).toMatchObject({ status: 403 });
});
