/**
 * Hostile text, in real Chromium against the demo relay: every payload of the XSS corpus is sent by
 * a visitor from the shop's widget, by an agent from the console, and by customers on WhatsApp,
 * Messenger and Instagram (signed webhooks, through the demo's channel simulator). Both pages run
 * without their Content-Security-Policy and with a trap: nothing may execute, no element or
 * attribute may be injected, and each payload must be shown, in order, as the text it is.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Frame, Page } from '@playwright/test';
import { chat, chatFrame, expect, signIn, test } from './helpers.ts';
import { armTrap, PAYLOADS, plain, scanMessages, trapped, type Bubble } from './hostile-trap.ts';

const CHANNELS = ['whatsapp', 'messenger', 'instagram'] as const;

/** Waits until the page shows `count` bubbles from one side, none of them still sending. */
async function waitForBubbles(page: Page | Frame, from: Bubble['from'], count: number): Promise<Bubble[]> {
  let bubbles: Bubble[] = [];
  await expect
    .poll(async () => {
      bubbles = (await scanMessages(page)).bubbles.filter((b) => b.from === from);
      return bubbles.filter((b) => b.status !== 'sending').length;
    }, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(count);
  return bubbles;
}

test('XSS payloads from a visitor, an agent and three messengers are shown as text and never run', async ({ browser, request }) => {
  test.setTimeout(170_000);
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(100);
  const expected = PAYLOADS.map(plain);
  const canary = `hostile-canary-${randomUUID()}`;
  const pageErrors: string[] = [];

  // The visitor sends every payload with the script-tag API, after a canary that finds the thread.
  const shop = await (await browser.newContext()).newPage();
  shop.on('pageerror', (error) => pageErrors.push(`shop: ${error.message}`));
  await armTrap(shop, ['/', '/frame/']); // the shop's page and the chat's frame, where the text is shown
  await shop.goto('/');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await expect(chat(shop).getByRole('textbox', { name: 'Message' })).toBeVisible(); // the widget has loaded: `send` answers a promise
  const frame = await chatFrame(shop);
  const sendAll = (texts: string[]) =>
    shop.evaluate(async (texts) => {
      const send = (window as unknown as { threadline: (command: string, text: string) => Promise<unknown> }).threadline;
      for (const text of texts) if (!(await send('send', text))) throw new Error(`not sent: ${text}`);
    }, texts);
  // The canary opens the conversation and the connection; the payloads follow once it is stored.
  // (Messages sent while the first connection is still resuming can overtake older ones in the outbox.)
  await sendAll([canary]);
  await waitForBubbles(frame, 'mine', 1);
  await sendAll(PAYLOADS);
  const sent = await waitForBubbles(frame, 'mine', PAYLOADS.length + 1);
  expect(sent.map((b) => b.status)).toEqual(sent.map(() => 'sent'));
  expect(sent.map((b) => plain(b.text))).toEqual([plain(canary), ...expected]);

  // The agent sees them in the console and answers with every payload.
  const agent = await (await browser.newContext()).newPage();
  agent.on('pageerror', (error) => pageErrors.push(`console: ${error.message}`));
  await armTrap(agent, ['/console/']);
  await signIn(agent);
  const thread = agent.getByRole('log', { name: 'Messages' });
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(thread.getByText(canary)).toBeVisible();
  const fromVisitor = await waitForBubbles(agent, 'visitor', PAYLOADS.length + 1);
  expect(fromVisitor.map((b) => plain(b.text))).toEqual([plain(canary), ...expected]);
  // Typed into the reply box and submitted one by one in the page (a round trip per reply from the
  // test would make this the slowest part), each waiting for the previous to be stored.
  await agent.evaluate(async (texts) => {
    const box = document.querySelector<HTMLTextAreaElement>('textarea#reply')!;
    const done = () => document.querySelectorAll('[role=log] li.message.agent:not(.sending)').length;
    for (const text of texts) {
      const before = done();
      box.value = text;
      box.form!.requestSubmit();
      const deadline = Date.now() + 10_000;
      while (done() === before) {
        if (Date.now() > deadline) throw new Error(`the reply was not stored: ${text}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }, PAYLOADS);
  const replies = await waitForBubbles(agent, 'agent', PAYLOADS.length);
  expect(replies.map((b) => b.status)).toEqual(replies.map(() => 'sent'));
  expect(replies.map((b) => plain(b.text))).toEqual(expected);

  // The visitor sees every reply as text.
  const toVisitor = await waitForBubbles(frame, 'theirs', PAYLOADS.length);
  expect(toVisitor.map((b) => plain(b.text))).toEqual(expected);

  // Customers on each messenger send every payload through signed webhooks; a WhatsApp customer's
  // profile name is hostile and longer than the console's label, too.
  const hostileName = `<img src=x onerror=__xss(1000)> ${'"><svg onload=__xss(1001)>'.repeat(4)}`;
  for (const channel of CHANNELS) {
    const user = channel === 'whatsapp' ? `1555${randomBytes(4).readUInt32BE() % 10_000_000}` : `${channel}-${randomBytes(8).toString('hex')}`;
    for (const text of PAYLOADS) {
      const response = await request.post('/simulator/api/send', { data: { channel, user, name: hostileName, text } });
      expect(response.status(), `${channel} webhook for ${text}`).toBe(200);
    }
    const label = channel === 'whatsapp' ? hostileName.slice(0, 20) : `…${user.slice(-4)}`;
    await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: label }).first().click();
    await expect(agent.getByRole('region', { name: /^Conversation with / }).getByRole('heading')).toContainText(label);
    const fromCustomer = await waitForBubbles(agent, 'visitor', PAYLOADS.length);
    expect(fromCustomer.map((b) => plain(b.text)), channel).toEqual(expected);
  }

  // The visitor rates the conversation with a hostile comment; the agent sees it as text.
  const comment = PAYLOADS.reduce((joined, payload) => (joined.length + payload.length < 999 ? `${joined} ${payload}`.trim() : joined), '');
  await chat(shop).getByRole('button', { name: 'Rate this conversation' }).click();
  const rating = chat(shop).getByRole('form', { name: 'Rate this conversation' });
  await rating.getByRole('button', { name: '4 of 5' }).click();
  await rating.getByRole('textbox', { name: 'Comment (optional)' }).fill(comment);
  await rating.getByRole('button', { name: 'Send message' }).click();
  await expect.poll(async () => (await scanMessages(frame)).bubbles.at(-1)).toEqual({ from: 'mine', status: 'sent', text: `Rated 4 of 5 — ${comment}` });
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(thread.getByText(canary)).toBeVisible();
  await expect.poll(async () => (await scanMessages(agent)).bubbles.filter((b) => b.from === 'visitor').at(-1)?.text).toBe(`★★★★☆ 4/5 — ${comment}`);

  // An attachment whose name is a payload: shown as text, then downloaded under that name.
  const fileName = '"><img src=x onerror=__xss(2000)> <svg onload=__xss(2001)>.txt';
  await chat(shop).locator('input[type=file]').setInputFiles({ name: fileName, mimeType: 'text/plain', buffer: Buffer.from('hello') });
  const open = thread.getByRole('button', { name: `Open ${fileName}` });
  await expect(open).toBeVisible();
  await open.click();
  await expect(thread.getByRole('link', { name: `Save ${fileName}` })).toHaveAttribute('download', fileName);

  // Nothing ran, nothing was injected, on either page.
  for (const page of [shop, frame, agent]) {
    expect(await trapped(page)).toEqual([]);
    expect((await scanMessages(page)).bad).toEqual([]);
  }
  expect(pageErrors).toEqual([]);

  // The trap can fail: a payload written into a bubble as HTML is caught by every check.
  await frame.evaluate(() => {
    const find = (root: Document | ShadowRoot): Element | null =>
      root.querySelector('[role=log] li.message p') ?? [...root.querySelectorAll('*')].map((e) => (e.shadowRoot ? find(e.shadowRoot) : null)).find(Boolean) ?? null;
    find(document)!.innerHTML = '<img src=x onerror=__xss(0)>';
  });
  await expect.poll(() => trapped(frame)).toEqual(expect.arrayContaining([expect.stringMatching(/^event-handler attribute <img/), '__xss(0) ran']));
  expect((await scanMessages(frame)).bad).toEqual([expect.stringMatching(/^element <img>/), expect.stringMatching(/^attribute src/), expect.stringMatching(/^attribute onerror/)]);
});
