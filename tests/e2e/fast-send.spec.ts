/**
 * Fast where the visitor waits: a message is in the thread, as "Sending…", in the first frame after
 * Enter — before the conversation exists at the relay, before the worker has encrypted it — and
 * then goes. Proved by order of events, not by a stopwatch: the relay's answer is held until the
 * row is seen, and the row is looked for in the animation frame right after the key press.
 */
import type { Route } from '@playwright/test';
import { chat, chatFrame, expect, test } from './helpers.ts';

test('a first message shows as sending while the relay has not yet created the conversation, then is sent', async ({ page }) => {
  let release = (): void => {};
  const held = new Promise<void>((resolve) =>
    void page.route('**/v1/sites/demo/visitors', (route: Route) => {
      release = () => void route.continue();
      resolve();
    }),
  );
  await page.goto('/');
  await page.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(page).getByRole('textbox', { name: 'Message' });
  await composer.fill('Shown before the relay answers');
  await composer.press('Enter');
  await held; // the conversation is being created: nothing is encrypted yet
  const row = chat(page).getByRole('log').getByRole('listitem').filter({ hasText: 'Shown before the relay answers' });
  await expect(row).toContainText('Sending…');
  await expect(composer).toHaveValue('');
  release();
  await expect(row).not.toContainText('Sending…');
  await expect(row).toHaveCount(1);
});

test('a message is in the thread in the animation frame right after Enter', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(page).getByRole('textbox', { name: 'Message' });
  await composer.fill('First, to start the conversation');
  await composer.press('Enter');
  await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: 'First, to start' })).not.toContainText('Sending…');

  for (const text of ['Second, in one frame', 'Third, in one frame']) {
    // At the next animation frame after the key press (before it is painted), what does the log hold?
    const frame = await chatFrame(page);
    await frame.evaluate((text) => {
      const w = window as unknown as { seen: Promise<string> };
      w.seen = new Promise<string>((resolve) =>
        addEventListener(
          'keydown',
          (event) => {
            if (event.key !== 'Enter') return;
            requestAnimationFrame(() => {
              const log = document.querySelector('threadline-panel')!.shadowRoot!.querySelector('.log')!;
              resolve([...log.querySelectorAll('li')].find((li) => li.textContent!.includes(text))?.textContent?.replace(/\s+/g, ' ').trim() ?? 'not there');
            });
          },
          { capture: true, once: true },
        ),
      );
    }, text);
    await composer.fill(text);
    await composer.press('Enter');
    const seen = await frame.evaluate(() => (window as unknown as { seen: Promise<string> }).seen);
    expect(seen).toContain(text);
    expect(seen).toContain('Sending…');
    await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: text })).not.toContainText('Sending…');
  }
});
