/** What the browser specs share: isolated tests, the demo agent's sign-in, the shop with its page edited. */
import { expect, test as base, type Frame, type Page } from '@playwright/test';

/** Every test closes the browser contexts it opened, so no console left open reads another test's conversation. */
export const test = base.extend<{ closeContexts: void }>({
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      for (const context of browser.contexts()) await context.close();
    },
    { auto: true },
  ],
});
export { expect };

export const demoPassword = () => process.env.THREADLINE_E2E_PASSWORD!;

/** A port for a spec's own relay: a fixed offset from the demo relay's (`THREADLINE_E2E_PORT`), so one variable moves them all. */
export const ownPort = (offset: number) => Number(process.env.THREADLINE_E2E_PORT ?? 8797) + offset;

/** Signs in to the console (the demo admin by default) and waits for the inbox. */
export async function signIn(page: Page, email = 'agent@demo.test', password = demoPassword()): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'Inbox' })).toBeVisible();
}

/** Serves the demo shop with its HTML edited, as a business would change its own page. */
export async function shopWith(page: Page, edit: (html: string) => string): Promise<void> {
  await page.route('**/', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: edit(await response.text()) });
  });
  await page.goto('/');
}

/**
 * The chat, inside its cross-origin frame on the page (the one place specs locate it): the panel,
 * its composer, log and sheets. The launcher stays on the page.
 */
export const chat = (page: Page) => page.frameLocator('threadline-chat iframe');

/** The chat frame itself, to evaluate in (its panel, `document.querySelector('threadline-panel')`). */
export async function chatFrame(page: Page): Promise<Frame> {
  const frame = await (await page.locator('threadline-chat iframe').elementHandle())!.contentFrame();
  return frame!;
}

/** The origin the demo serves the chat's frame on: the relay under its other loopback name. */
export const frameOrigin = (baseURL: string) => baseURL.replace('127.0.0.1', 'localhost');
