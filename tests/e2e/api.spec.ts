/**
 * The script-tag API in real Chromium on the demo shop: calls queued before the widget loads, every
 * command, events with `on`/`off`, the unread count while the panel is closed, and boot/shutdown.
 */
import { chat, expect, signIn, test } from './helpers.ts';

type Api = (command: string, ...args: unknown[]) => unknown;
declare const threadline: Api;
declare const events: [string, unknown][];

test('the script-tag API queues, commands, reports events and counts unread replies', async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(() => {
    // The snippet a business pastes before the script tag, then calls made before it loads.
    const w = window as unknown as { threadline: Api & { q?: IArguments[] }; events: [string, unknown][] };
    w.threadline = function () {
      // eslint-disable-next-line prefer-rest-params
      (w.threadline.q ??= []).push(arguments);
    } as Api & { q?: IArguments[] };
    w.events = [];
    for (const name of ['ready', 'open', 'close', 'message', 'unread']) {
      w.threadline('on', name, (detail?: { text?: string } | number) => w.events.push([name, typeof detail === 'object' ? detail.text : detail]));
    }
    w.threadline('open');
  });
  await page.goto('/');
  const dialog = chat(page).getByRole('dialog');
  await expect(dialog).toBeVisible();
  expect(await page.evaluate(() => events.map(([name]) => name))).toEqual(expect.arrayContaining(['ready', 'open']));

  await page.evaluate(() => threadline('send', 'Sent through the API'));
  await expect(dialog.getByRole('log').getByRole('listitem').filter({ hasText: 'Sent through the API' })).not.toContainText('Sending…');

  await page.evaluate(() => threadline('close'));
  await expect(dialog).toBeHidden();
  await page.evaluate(() => threadline('toggle'));
  await expect(dialog).toBeVisible();
  await page.evaluate(() => threadline('toggle'));
  await expect(dialog).toBeHidden();
  await page.evaluate(() => threadline('hide'));
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeHidden();
  await page.evaluate(() => threadline('show'));
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible();
  const unsubscribe = await page.evaluateHandle(() => threadline('on', 'close', () => events.push(['close-2', null])));
  await page.evaluate((off) => (off as () => void)(), unsubscribe);

  // An agent replies while the panel is closed: the count, the event and the badge follow.
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log').getByText('Sent through the API')).toBeVisible();
  await agent.getByRole('textbox', { name: 'Reply' }).fill('A reply you have not read');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');

  await expect.poll(() => page.evaluate(() => threadline('getUnreadCount'))).toBe(1);
  await expect(page.getByRole('button', { name: 'Open chat, 1 unread' })).toBeVisible();
  // The page learns that a message came, not what it says (the site does not share message text).
  expect(await page.evaluate(() => events)).toEqual(expect.arrayContaining([['message', undefined], ['unread', 1]]));
  await page.evaluate(() => threadline('open'));
  await expect.poll(() => page.evaluate(() => threadline('getUnreadCount'))).toBe(0);
  expect(await page.evaluate(() => events.some(([name]) => name === 'close-2'))).toBe(false);

  // Shutdown removes the widget; boot (twice) brings back exactly one.
  await page.evaluate(() => threadline('shutdown'));
  await expect(page.locator('threadline-chat')).toHaveCount(0);
  await page.evaluate(() => threadline('boot', { site: 'demo' }));
  await page.evaluate(() => threadline('boot', { site: 'demo' }));
  await expect(page.locator('threadline-chat')).toHaveCount(1);
  await expect(page.getByRole('button', { name: /Open chat|Close chat/ }).last()).toBeVisible();
});

test('the web component works placed directly in plain HTML, styled with custom properties and ::part()', async ({ page }) => {
  await page.goto('/component.html');
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await expect(launcher).toHaveCSS('border-radius', '16px'); // ::part(launcher)
  await expect(launcher).toHaveCSS('background-color', 'rgb(138, 59, 18)'); // --tl-accent
  await launcher.click();
  // The page's custom properties reach the panel in its frame.
  await expect(chat(page).getByRole('button', { name: 'Send message' })).toHaveCSS('background-color', 'rgb(138, 59, 18)');
  await chat(page).getByRole('textbox', { name: 'Message' }).fill('From the help centre');
  await chat(page).getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: 'From the help centre' })).not.toContainText('Sending…');
  await expect(page.locator('threadline-chat')).toHaveCount(1);
});
