/**
 * What every visitor relies on, in real Chromium on the demo shop: a strict Content-Security-Policy
 * with no violation, no accessibility violation (axe) in light and dark, a keyboard-only journey, and
 * a narrow phone screen.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { chat, chatFrame, expect, shopWith, test } from './helpers.ts';

async function collectCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  // The page's violations and the chat frame's (the init script runs in both).
  const read = () => (window as unknown as { __csp: string[] }).__csp;
  return async () => [...(await page.evaluate(read)), ...(await (await chatFrame(page)).evaluate(read))];
}

const axe = async (page: Page) => (await new AxeBuilder({ page }).analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

test('the shop runs under a strict CSP without a violation, and axe finds nothing in light or dark', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await (await browser.newContext({ colorScheme })).newPage();
    const violations = await collectCspViolations(page);
    const response = await page.goto('/');
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await expect(launcher).toBeVisible();
    expect(await axe(page), `launcher, ${colorScheme}`).toEqual([]);

    await launcher.click();
    await chat(page).getByRole('textbox', { name: 'Message' }).fill(`Hello in ${colorScheme}`);
    await chat(page).getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: `Hello in ${colorScheme}` })).not.toContainText('Sending…');
    expect(await axe(page), `open panel, ${colorScheme}`).toEqual([]);

    await chat(page).getByRole('button', { name: /^Continue on / }).click();
    await expect(chat(page).getByRole('button', { name: 'Continue on WhatsApp' })).toBeVisible();
    expect(await axe(page), `handoff sheet, ${colorScheme}`).toEqual([]);
    await chat(page).getByRole('button', { name: 'Continue on WhatsApp' }).click();
    await expect(chat(page).getByRole('img', { name: /QR code/ })).toBeVisible();
    await chat(page).getByRole('button', { name: 'Back to the conversation' }).click();
    await chat(page).getByRole('button', { name: 'Verify this business' }).click();
    await expect(chat(page).getByLabel('Safety number', { exact: true })).toBeVisible();
    expect(await axe(page), `verify view, ${colorScheme}`).toEqual([]);

    expect(await violations()).toEqual([]);
    await page.context().close();
  }
});

test('a keyboard-only visitor opens the chat, sends a message and closes it again', async ({ page }) => {
  await page.goto('/');
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await expect(launcher).toBeVisible();
  // Tab from the page's own links to the launcher.
  for (let i = 0; i < 10 && !(await launcher.evaluate((el) => el === document.activeElement?.shadowRoot?.activeElement || el.matches(':focus'))); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(launcher).toBeFocused();
  await page.keyboard.press('Enter');
  const composer = chat(page).getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Enter');
  await expect(chat(page).getByRole('log').getByText('Typed without a mouse')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(chat(page).getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeFocused();
});

test('on a narrow phone screen the panel fills the screen', async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true })).newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Open chat' }).click();
  const box = await chat(page).getByRole('dialog').boundingBox();
  expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
  await expect(chat(page).getByRole('textbox', { name: 'Message' })).toBeInViewport();
});

test('the widget speaks French and Arabic (right to left), from the page language or setLocale', async ({ browser }, testInfo) => {
  const page = await (await browser.newContext()).newPage();
  await shopWith(page, (html) => html.replace('<html lang="en">', '<html lang="fr">')); // a French page
  await page.getByRole('button', { name: 'Ouvrir le chat' }).click();
  const dialog = chat(page).getByRole('dialog', { name: 'Discussion avec Northwind Outfitters' });
  await expect(dialog.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'Écrivez un message…');
  await expect(dialog.getByText('Chiffré de bout en bout')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('widget-fr.png') });

  await page.evaluate(() => (window as unknown as { threadline(command: string, locale: string): void }).threadline('setLocale', 'ar'));
  await expect(chat(page).getByRole('dialog', { name: 'محادثة مع Northwind Outfitters' })).toBeVisible();
  await expect(page.locator('threadline-chat')).toHaveAttribute('dir', 'rtl');
  // In right-to-left the launcher sits at the left edge.
  const launcher = await page.locator('threadline-chat button.launcher').boundingBox();
  expect(launcher!.x).toBeLessThan(100);
  expect(await axe(page), 'open panel, rtl').toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('widget-ar.png') });
  await testInfo.attach('widget-ar', { path: testInfo.outputPath('widget-ar.png'), contentType: 'image/png' });
  await testInfo.attach('widget-fr', { path: testInfo.outputPath('widget-fr.png'), contentType: 'image/png' });
});
