/**
 * What a new visitor meets first, tried as one would: a phone at 390×844 where Send must be the thing
 * under the thumb, the business's colour and a sans-serif font in the panel, and a website the
 * business has not allowed, where the visitor gets a short message in their language and the
 * developer the full reason in the console, once.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { chat, chatFrame, expect, frameOrigin, test } from './helpers.ts';

const axe = async (page: Page) => (await new AxeBuilder({ page }).analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

/** The panel's computed look, read inside the frame. */
const look = async (page: Page) =>
  (await chatFrame(page)).evaluate(() => {
    const root = document.querySelector('threadline-panel')!.shadowRoot!;
    const style = (selector: string) => getComputedStyle(root.querySelector(selector)!);
    return { font: style('.panel').fontFamily, head: style('.head').backgroundColor, send: style('.send').backgroundColor };
  });

test('at 390×844 Send is what the thumb taps: the message goes and the panel stays open (light and dark)', async ({ browser }, testInfo) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await (await browser.newContext({ colorScheme, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Open chat' }).tap();
    const composer = chat(page).getByRole('textbox', { name: 'Message' });
    await composer.fill(`Tapped Send in ${colorScheme}`);
    const send = (await chat(page).getByRole('button', { name: 'Send message' }).boundingBox())!;
    const [x, y] = [send.x + send.width / 2, send.y + send.height / 2];
    // The page's topmost element at Send's centre is the chat's frame, not the launcher under it.
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.shadowRoot?.elementFromPoint(x!, y!)?.localName, [x, y])).toBe('iframe');
    await page.touchscreen.tap(x, y);
    await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: `Tapped Send in ${colorScheme}` })).not.toContainText('Sending…');
    await expect(chat(page).getByRole('dialog')).toBeVisible();
    expect((await look(page)).font).toMatch(/^system-ui/);
    expect(await axe(page), `phone, ${colorScheme}`).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`phone-${colorScheme}.png`) });
    await page.context().close();
  }
});

test('the page’s --tl-accent colours the panel’s header and Send button, also when set after the chat started; --tl-font sets its font', async ({ browser }, testInfo) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await (await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto('/component.html'); // its style sheet sets --tl-accent: #8a3b12
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect(chat(page).getByRole('textbox', { name: 'Message' })).toBeFocused();
    expect(await look(page)).toEqual({ font: expect.stringMatching(/^system-ui, -apple-system, "Segoe UI", .*sans-serif$/), head: 'rgb(138, 59, 18)', send: 'rgb(138, 59, 18)' });
    expect(await axe(page), `desktop, ${colorScheme}`).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`desktop-${colorScheme}.png`) });

    // A theme switch on the page after the chat started reaches the panel the next time it opens.
    await page.keyboard.press('Escape');
    await page.locator('threadline-chat').evaluate((chat: HTMLElement) => {
      chat.style.setProperty('--tl-accent', '#3b2a8a');
      chat.style.setProperty('--tl-font', 'Georgia, serif');
    });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => look(page)).toEqual({ font: 'Georgia, serif', head: 'rgb(59, 42, 138)', send: 'rgb(59, 42, 138)' });
    await page.context().close();
  }
});

/** A page on a website the business has not allowed, in French; `withoutFrameCsp` as if the frame's host forgot its policy. */
async function notAllowed(browser: Browser, baseURL: string, withoutFrameCsp: boolean) {
  const elsewhere = 'http://not-allowed.test';
  const context = await browser.newContext();
  await context.route(`${elsewhere}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="fr"><title>Pas autorisé</title><main><h1>Une autre boutique</h1></main><script async src="${baseURL}/widget/threadline.js" data-site="demo" data-frame-origin="${frameOrigin(baseURL)}"></script>`,
    }),
  );
  if (withoutFrameCsp) {
    await context.route(`${frameOrigin(baseURL)}/frame/?site=demo`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-security-policy'];
      await route.fulfill({ response, headers });
    });
  }
  const page = await context.newPage();
  const console: string[] = [];
  page.on('console', (message) => message.type() === 'error' && console.push(message.text()));
  await page.goto(`${elsewhere}/`);
  return { page, console };
}

test('on a website that is not allowed the visitor reads a short message in their language; the developer the full reason, once', async ({ browser, baseURL }, testInfo) => {
  // The frame's own check (its policy missing): it refuses, and tells the page only that.
  const refused = await notAllowed(browser, baseURL!, true);
  const reason = 'Threadline: failed to start the chat in this frame: http://not-allowed.test is not on the site’s allowed origins. Add the website under Install → Allowed origins in the console.';
  await expect.poll(() => refused.console).toContain(reason);
  await refused.page.getByRole('button', { name: 'Ouvrir le chat' }).click();
  await expect(refused.page.getByRole('status')).toHaveText('Le chat n’est pas disponible sur ce site');
  await expect(chat(refused.page).getByRole('dialog')).toHaveCount(0);
  expect(refused.console.filter((text) => text.startsWith('Threadline:'))).toEqual([reason]);
  expect(await axe(refused.page)).toEqual([]);
  await refused.page.screenshot({ path: testInfo.outputPath('not-allowed.png') });
  // A second tap hides the note again.
  await refused.page.getByRole('button', { name: 'Ouvrir le chat' }).click();
  await expect(refused.page.getByRole('status')).toHaveCount(0);

  // The relay's frame-ancestors: the browser does not load the frame at all; the page notices the frame said nothing.
  const blocked = await notAllowed(browser, baseURL!, false);
  await expect.poll(() => blocked.page.frames().map((frame) => frame.url())).toContain('chrome-error://chromewebdata/');
  await blocked.page.getByRole('button', { name: 'Ouvrir le chat' }).click();
  await expect(blocked.page.getByRole('status')).toHaveText('Le chat n’est pas disponible sur ce site');
});
