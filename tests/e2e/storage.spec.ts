/** Without IndexedDB (blocked, some private modes) the chat still works, in memory, and says so. */
import { expect, signIn, test } from './helpers.ts';

test('with IndexedDB unavailable the widget keeps the conversation in memory and tells the visitor', async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  // The crypto worker's IndexedDB is gone, as in a browser that refuses storage to the site.
  await visitor.route('**/widget/crypto-worker.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `Object.defineProperty(self, 'indexedDB', { value: undefined });\n${await response.text()}` });
  });
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const dialog = visitor.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Kept in memory only');
  await dialog.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(dialog.getByRole('log').getByRole('listitem').filter({ hasText: 'Kept in memory only' })).not.toContainText('Sending…');
  await expect(dialog.getByText(/not saved in this browser/)).toBeVisible();

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log').getByText('Kept in memory only')).toBeVisible();
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Answered all the same');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(dialog.getByRole('log').getByText('Answered all the same')).toBeVisible();
});
