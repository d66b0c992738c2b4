/**
 * A conversation over the relay's storage quota loses nothing: the relay refuses with a typed
 * `quota_exceeded` error, the widget says so and keeps the message in its outbox (through a
 * reload), and it goes once there is room. Runs against a relay of its own with a tiny quota,
 * restarted on the same data directory with a larger one.
 */
import { startOwnRelay, type OwnRelay } from './hardening-relay.ts';
import { chat, expect, ownPort, test } from './helpers.ts';

const port = ownPort(46);
let relay: OwnRelay;

test.beforeAll(async () => {
  relay = await startOwnRelay(port, { THREADLINE_LIMITS: 'conversationBytes=6000' });
});
test.afterAll(async () => {
  expect(await relay.stop()).toBe(0);
});

test('past the conversation’s storage quota a message is refused with a clear error, kept through a reload, and sent once there is room', async ({ page }) => {
  await page.goto(`${relay.base}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const dialog = chat(page).getByRole('dialog');
  const composer = dialog.getByRole('textbox', { name: 'Message' });
  const log = dialog.getByRole('log', { name: 'Messages' });
  await composer.fill('Small enough to keep');
  await composer.press('Enter');
  await expect(log.getByRole('listitem').filter({ hasText: 'Small enough to keep' })).not.toContainText('Sending…');

  const large = `Too large for what is left ${'x'.repeat(4000)}`;
  await composer.fill(large);
  await composer.press('Enter');
  await expect(dialog.getByRole('alert')).toHaveText('Threadline: failed to send the message: storage is full. It waits for room.');
  await expect(log.getByRole('listitem').filter({ hasText: 'Too large for what is left' })).toContainText('Sending…');

  // Nothing is lost: after a reload the message is still waiting, and refused again.
  await page.reload(); // the chat was open, so it opens again
  await expect(log.getByRole('listitem').filter({ hasText: 'Too large for what is left' })).toContainText('Sending…');
  await expect(dialog.getByRole('alert')).toContainText('storage is full');

  // The operator raises the quota: the widget reconnects and the waiting message goes, once.
  await relay.kill();
  relay = await startOwnRelay(port, { THREADLINE_LIMITS: 'conversationBytes=1000000' }, relay.dataDir);
  await expect(log.getByRole('listitem').filter({ hasText: 'Too large for what is left' })).not.toContainText('Sending…', { timeout: 30_000 });
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expect(log.getByRole('listitem')).toHaveCount(3); // two messages and the day's separator
});
