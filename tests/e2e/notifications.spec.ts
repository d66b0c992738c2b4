/**
 * Notifications when a reply comes and the visitor is not looking: the unread badge, the page's title
 * flashing while its tab is hidden (the frame says "notify", no text crosses), and the chime if the
 * visitor turned it on in the panel — from one tab only when several are open. Headless Chromium
 * keeps every tab visible, so a hidden tab is played by redefining `document.hidden` (in the page
 * and in its chat frame) and firing `visibilitychange`, as the browser would.
 */
import type { Frame, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { chat, chatFrame, expect, signIn, test } from './helpers.ts';

/** Plays a tab going to the background (or back): the page and its frame see it, as in a real browser. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  const play = (hidden: boolean) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  };
  await page.evaluate(play, hidden);
  await (await chatFrame(page)).evaluate(play, hidden);
}

/** Oscillators started in a frame: each chime starts two. */
const tones = (frame: Frame) => frame.evaluate(() => (window as unknown as { tones?: number }).tones ?? 0);

test('a reply in a hidden tab flashes its title and rings once, from one tab of two; the badge counts it', async ({ browser }, testInfo) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...args) {
      const w = window as unknown as { tones?: number };
      w.tones = (w.tones ?? 0) + 1;
      return start.apply(this, args);
    };
  });
  const first = await context.newPage();
  await first.goto('/');
  await first.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(first).getByRole('textbox', { name: 'Message' });
  await composer.fill('Tell me when you answer');
  await composer.press('Enter');
  await expect(chat(first).getByRole('log').getByRole('listitem').filter({ hasText: 'Tell me when you answer' })).not.toContainText('Sending…');
  // Sound is off until the visitor turns it on; turning it on plays it once.
  const sound = chat(first).getByRole('button', { name: 'Sound for new messages' });
  await expect(sound).toHaveAttribute('aria-pressed', 'false');
  await sound.click();
  await expect(sound).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => tones(await chatFrame(first))).toBe(2);
  expect((await new AxeBuilder({ page: first }).analyze()).violations.map((v) => v.id)).toEqual([]);
  await first.screenshot({ path: testInfo.outputPath('sound-on.png') });
  await first.keyboard.press('Escape');

  // A second tab of the shop: it mirrors the first, which holds the connection.
  const second = await context.newPage();
  await second.goto('/');
  await second.getByRole('button', { name: 'Open chat' }).click();
  await expect(chat(second).getByRole('log').getByText('Tell me when you answer')).toBeVisible();
  await expect(chat(second).getByRole('button', { name: 'Sound for new messages' })).toHaveAttribute('aria-pressed', 'true'); // kept in the frame
  await second.keyboard.press('Escape');
  const title = await first.title();
  await setHidden(first, true);
  await setHidden(second, true);

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log').getByText('Tell me when you answer')).toBeVisible();
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Here is the answer');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');

  // Both tabs count it; one flashes its title and rings.
  for (const tab of [first, second]) await expect(tab.getByRole('button', { name: 'Open chat, 1 unread' })).toBeVisible();
  await expect.poll(() => first.title()).toBe('New message');
  await expect.poll(async () => tones(await chatFrame(first))).toBe(4);
  expect(await second.title()).toBe(title);
  expect(await tones(await chatFrame(second))).toBe(0);

  // Back on the tab: the title is the page's own again.
  await setHidden(first, false);
  await expect.poll(() => first.title()).toBe(title);
  await context.close();
});
