/** One connection per browser: a visitor's tabs share one WebSocket, and survive the leader tab closing. */
import type { Page, WebSocket } from '@playwright/test';
import { chat, expect, signIn, test } from './helpers.ts';

test('three visitor tabs share one WebSocket, all show every message, and the others carry on when the leader closes', async ({ browser }) => {
  const visitor = await browser.newContext();
  // Sockets of open tabs, as the browser sees them (a closed tab's socket closes with it).
  const sockets = new Map<WebSocket, Page>();
  const watch = (page: Page) =>
    page.on('websocket', (socket) => {
      sockets.set(socket, page);
      socket.on('close', () => sockets.delete(socket));
    });
  const open = () => [...sockets].filter(([, page]) => !page.isClosed()).length;
  const tab = async () => {
    const page = await visitor.newPage();
    watch(page);
    await page.goto('/');
    await page.getByRole('button', { name: /Open chat/ }).click();
    return page;
  };
  const say = async (page: Page, text: string) => {
    await chat(page).getByRole('textbox', { name: 'Message' }).fill(text);
    await chat(page).getByRole('textbox', { name: 'Message' }).press('Enter');
  };
  const shows = (page: Page, text: string) => expect(chat(page).getByRole('log').getByText(text)).toBeVisible();

  const first = await tab();
  await say(first, 'Hello from the first tab');
  await shows(first, 'Hello from the first tab');
  const [second, third] = [await tab(), await tab()];
  for (const page of [second, third]) await shows(page, 'Hello from the first tab');

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  const reply = async (text: string) => {
    await agent.getByRole('textbox', { name: 'Reply' }).fill(text);
    await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  };

  await reply('One answer for every tab');
  for (const page of [first, second, third]) await shows(page, 'One answer for every tab');
  await say(third, 'Written in the third tab');
  await expect(agent.getByRole('log').getByText('Written in the third tab')).toBeVisible();
  for (const page of [first, second]) await shows(page, 'Written in the third tab');
  expect(open()).toBe(1);

  // The leader (the first tab) closes: another tab takes the lock and reconnects; nothing is lost.
  await first.close();
  await reply('Still here after the first tab closed');
  for (const page of [second, third]) await shows(page, 'Still here after the first tab closed');
  await say(second, 'Sent after the handover');
  await expect(agent.getByRole('log').getByText('Sent after the handover')).toBeVisible();
  await shows(third, 'Sent after the handover');
  expect(open()).toBe(1);
  for (const page of [second, third]) await expect(chat(page).getByRole('log').getByRole('listitem')).toHaveCount(6); // five messages and the day's separator
});
