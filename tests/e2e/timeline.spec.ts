/**
 * Timestamps and grouping in the visitor's thread: a separator per day and each group's time in the
 * visitor's language (through Intl), one author's consecutive messages grouped, and every message's
 * time there for screen readers.
 */
import AxeBuilder from '@axe-core/playwright';
import { chat, expect, test } from './helpers.ts';

const CLOCK = /\d{1,2}:\d{2}\s?[AP]M/;

for (const colorScheme of ['light', 'dark'] as const) {
  test(`day separators, relative group times and grouping, in the visitor’s language; every time readable; axe (${colorScheme})`, async ({ browser }, testInfo) => {
    const context = await browser.newContext({ colorScheme, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Open chat' }).click();
    const composer = chat(page).getByRole('textbox', { name: 'Message' });
    const log = chat(page).getByRole('log');
    for (const text of ['One question', 'about the jacket', 'in size M']) {
      await composer.fill(text);
      await composer.press('Enter');
      await expect(log.getByRole('listitem').filter({ hasText: text })).not.toContainText('Sending…');
    }
    const rows = log.getByRole('listitem');
    // One day, one separator; one group, its time once (relative, as just sent), on its last message.
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0)).toHaveText('today');
    await expect(rows.nth(0)).toHaveCSS('text-transform', 'none'); // capitalised by ::first-letter only
    await expect(log.locator('.meta')).toHaveCount(1);
    await expect(rows.nth(3).locator('.meta')).toHaveText(/^(Read · )?now$/);
    await expect(log.locator('.grouped')).toHaveCount(2);
    // Screen readers hear who and when for each message, grouped or not.
    for (const i of [1, 2, 3]) expect(await rows.nth(i).textContent()).toMatch(new RegExp(`^\\s*You, ${CLOCK.source}:`));
    expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id), colorScheme).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`thread-${colorScheme}.png`) });

    // The same thread seen a day later: "yesterday", and the group's clock time.
    await page.clock.setFixedTime(Date.now() + 24 * 3600_000);
    await page.reload(); // the panel was open: it opens again
    await expect(rows.nth(0)).toHaveText('yesterday');
    await expect(rows.nth(3).locator('.meta')).toHaveText(new RegExp(`^(Read · )?${CLOCK.source}$`));

    // In French, through Intl too.
    await page.evaluate(() => (window as unknown as { threadline(command: string, locale: string): void }).threadline('setLocale', 'fr'));
    await expect(chat(page).getByRole('log').getByRole('listitem').first()).toHaveText('hier');
    await context.close();
  });
}
