/**
 * Trust in the business's keys, in real Chromium: a script tag pinning the organisation key
 * (`data-org-key`) chats and says so; a wrong pin gets a clear error and no chat; without a pin the
 * verify screen says the key was trusted on first use, and both sides show the same safety number.
 */
import type { Page } from '@playwright/test';
import { chat, expect, shopWith, signIn, test } from './helpers.ts';


async function orgFingerprint(page: Page): Promise<string> {
  await signIn(page);
  await page.getByRole('link', { name: 'Install' }).click();
  // The snippet gains the key once the console has checked the directory.
  const pinned = /data-org-key="([A-Za-z0-9_-]{43})"/;
  await expect(page.getByLabel('Script tag')).toContainText(pinned);
  return pinned.exec((await page.getByLabel('Script tag').textContent()) ?? '')![1]!;
}

test('a pinned organisation key is enforced, and safety numbers match on both sides', async ({ browser }) => {
  const agent = await (await browser.newContext()).newPage();
  const fingerprint = await orgFingerprint(agent);

  // A wrong pin: a clear error and no way to write.
  const wrong = await (await browser.newContext()).newPage();
  await shopWith(wrong, (html) => html.replace('data-site="demo"', `data-site="demo" data-org-key="${'A'.repeat(43)}"`));
  await wrong.getByRole('button', { name: 'Open chat' }).click();
  await expect(chat(wrong).getByRole('alert')).toContainText('does not match the data-org-key pinned on this site');
  await expect(chat(wrong).getByRole('textbox', { name: 'Message' })).toHaveCount(0);

  // The right pin: the chat works and the verify screen says the key is pinned.
  const pinned = await (await browser.newContext()).newPage();
  await shopWith(pinned, (html) => html.replace('data-site="demo"', `data-site="demo" data-org-key="${fingerprint}"`));
  await pinned.getByRole('button', { name: 'Open chat' }).click();
  await chat(pinned).getByRole('textbox', { name: 'Message' }).fill('Hello from a pinned page');
  await chat(pinned).getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(chat(pinned).getByRole('log').getByRole('listitem').filter({ hasText: 'Hello from a pinned page' })).not.toContainText('Sending…');
  await chat(pinned).getByRole('button', { name: 'Verify this business' }).click();
  await expect(chat(pinned).getByText('This website pins the business’s key: no other key is accepted')).toBeVisible();
  const visitorNumber = (await chat(pinned).getByLabel('Safety number', { exact: true }).textContent())!.replace(/\s/g, '');
  expect(visitorNumber).toMatch(/^\d{60}$/);
  await expect(chat(pinned).getByRole('img', { name: 'Safety number as a QR code' })).toBeVisible();

  // The agent sees the same number for that conversation.
  await agent.getByRole('link', { name: 'Inbox' }).click();
  await agent.getByRole('button', { name: /Visitor/ }).first().click();
  await expect(agent.getByRole('log').getByText('Hello from a pinned page')).toBeVisible();
  await agent.getByRole('button', { name: 'Verify visitor' }).click();
  const agentNumber = (await agent.getByLabel('Safety number', { exact: true }).textContent())!.replace(/\s/g, '');
  expect(agentNumber).toBe(visitorNumber);

  // The demo shop pins the key, as we recommend: the screen says so.
  const shop = await (await browser.newContext()).newPage();
  await shop.goto('/');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  await chat(shop).getByRole('button', { name: 'Verify this business' }).click();
  await expect(chat(shop).getByText('This website pins the business’s key: no other key is accepted')).toBeVisible();

  // No pin (a page whose script tag lacks data-org-key): trusted on first use, and the screen says so.
  const unpinned = await (await browser.newContext()).newPage();
  await shopWith(unpinned, (html) => html.replace(/ data-org-key="[^"]*"/, ''));
  await unpinned.getByRole('button', { name: 'Open chat' }).click();
  await chat(unpinned).getByRole('button', { name: 'Verify this business' }).click();
  await expect(chat(unpinned).getByText('This browser trusted the first key it saw')).toBeVisible();
});
