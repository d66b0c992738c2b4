/** What the browser specs share: the demo agent's sign-in, and the shop with its page edited. */
import { expect, type Page } from '@playwright/test';

export const demoPassword = () => process.env.THREADLINE_E2E_PASSWORD!;

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
