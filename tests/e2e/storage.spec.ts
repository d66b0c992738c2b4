/** Without IndexedDB (blocked, some private modes) the chat still works, in memory, and says so. */
import { chat, chatFrame, expect, signIn, test } from './helpers.ts';

test('with IndexedDB unavailable the widget keeps the conversation in memory and tells the visitor', async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  // The crypto worker's IndexedDB is gone, as in a browser that refuses storage to the site.
  await visitor.route('**/frame/crypto-worker.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `Object.defineProperty(self, 'indexedDB', { value: undefined });\n${await response.text()}` });
  });
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const dialog = chat(visitor).getByRole('dialog');
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

test('with the storage quota exceeded a send fails with a clear error, nothing is lost, and it goes once there is room', async ({ page }) => {
  // The chat's frame keeps its workers reachable, and the crypto worker's IndexedDB writes fail while "full".
  await page.addInitScript(() => {
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(...args: ConstructorParameters<typeof Worker>) {
        super(...args);
        ((window as unknown as { workers: Worker[] }).workers ??= []).push(this);
      }
    };
  });
  await page.route('**/frame/crypto-worker.js', async (route) => {
    const response = await route.fetch();
    const quota = `const put = IDBObjectStore.prototype.put;
self.addEventListener('message', (event) => { if (typeof event.data === 'string') self.full = event.data === 'full'; });
IDBObjectStore.prototype.put = function (...args) {
  if (self.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  return put.apply(this, args);
};\n`;
    await route.fulfill({ response, body: quota + (await response.text()) });
  });
  const storage = async (state: string) => (await chatFrame(page)).evaluate((s) => (window as unknown as { workers: Worker[] }).workers.forEach((w) => w.postMessage(s)), state);
  await page.goto('/');
  await page.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(page).getByRole('textbox', { name: 'Message' });
  const log = chat(page).getByRole('log');
  await composer.fill('Before the disk filled up');
  await composer.press('Enter');
  await expect(log.getByRole('listitem').filter({ hasText: 'Before the disk filled up' })).not.toContainText('Sending…');

  await storage('full');
  await composer.fill('While the disk is full');
  await composer.press('Enter');
  await expect(chat(page).getByRole('alert')).toContainText('storage for the site is full');
  await expect(chat(page).getByRole('alert')).toContainText('Free some space');
  await expect(composer).toHaveValue('While the disk is full'); // the text is given back, not lost
  await expect(log.getByText('While the disk is full')).toHaveCount(0);

  await storage('room');
  await composer.press('Enter');
  await expect(log.getByRole('listitem').filter({ hasText: 'While the disk is full' })).not.toContainText('Sending…');
  await expect(log.getByText('Before the disk filled up')).toBeVisible();
});
