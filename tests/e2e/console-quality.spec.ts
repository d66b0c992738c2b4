/**
 * The console as a new agent meets it, in real Chromium against the built bundles: axe finds no
 * accessibility violation on any view (sign-in, accept-invite, the inbox with a conversation and a
 * file open, devices, messengers, install) in light or dark; the console has an icon; files are
 * attached through a styled button the keyboard reaches; counts and dates read as words.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { chat, expect, signIn, test } from './helpers.ts';
import { createInvitation } from './team.ts';

/** axe in both colour schemes; each violation as `rule: targets` so a failure names what to fix. */
async function axeBothSchemes(page: Page, view: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} (${n.failureSummary?.split("\n")[1]?.trim() ?? ""})`).join(", ")}`),
      `${view}, ${colorScheme}`,
    ).toEqual([]);
  }
}

/** A new visitor on the shop writes these messages, each delivered before the next. */
async function visitorWrites(browser: Browser, texts: string[]): Promise<void> {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  for (const text of texts) {
    await chat(visitor).getByRole('textbox', { name: 'Message' }).fill(text);
    await chat(visitor).getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(chat(visitor).getByRole('log').getByRole('listitem').filter({ hasText: text })).not.toContainText('Sending…');
  }
}

test('axe finds no violation on any console view, in light or dark', async ({ browser }) => {
  test.setTimeout(120_000);
  const agent = await (await browser.newContext()).newPage();
  await agent.goto('/console/');
  await expect(agent.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await axeBothSchemes(agent, 'sign-in');

  // A visitor writes; the agent opens the conversation and sends a file (the size shows in the bubble).
  const text = `axe-${randomUUID()}`;
  await visitorWrites(browser, [text]);

  await signIn(agent);
  await agent.getByRole('button', { name: /Visitor/ }).first().click();
  const log = agent.getByRole('log', { name: 'Messages' });
  await expect(log.getByText(text)).toBeVisible();
  await agent.getByLabel('Attach a file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('a'.repeat(2048)) });
  await expect(log.getByRole('listitem').filter({ hasText: 'notes.txt' })).not.toContainText('Sending…');
  await expect(log.getByText('2 KB')).toBeVisible();
  await axeBothSchemes(agent, 'inbox with a conversation open');

  // A second device of the admin, so Devices & team shows a Revoke button too.
  await signIn(await (await browser.newContext()).newPage());
  for (const [link, heading] of [
    ['Devices & team', 'Devices & team'],
    ['Messengers', 'Messengers'],
    ['Install', 'Install on your website'],
  ] as const) {
    await agent.getByRole('link', { name: link }).click();
    await expect(agent.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(agent.getByText('Loading…')).toHaveCount(0);
    if (link === 'Devices & team') await expect(agent.getByRole('button', { name: /^Revoke / }).first()).toBeVisible();
    await axeBothSchemes(agent, link);
  }

  const { link } = await createInvitation(agent, 'Robin');
  const invited = await (await browser.newContext()).newPage();
  await invited.goto(link);
  await expect(invited.getByRole('heading', { name: 'Join your team’s inbox' })).toBeVisible();
  await axeBothSchemes(invited, 'accept-invite');
});

test('the console has an icon: /favicon.ico and the one its page links answer', async ({ page, request }) => {
  for (const path of ['/favicon.ico', '/console/favicon.svg']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-type'], path).toMatch(/^image\//);
  }
  await page.goto('/console/');
  const icon = await page.locator('link[rel=icon]').getAttribute('href');
  expect((await request.get(new URL(icon!, page.url()).href)).status()).toBe(200);
});

test('a keyboard-only agent attaches a file through the styled button', async ({ browser }) => {
  const text = `keyboard-${randomUUID()}`;
  await visitorWrites(browser, [text]);

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('button', { name: /Visitor/ }).first().click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(text)).toBeVisible();
  // The native control is hidden; the button is what the agent sees, reaches with Tab and presses.
  await expect(agent.locator('input[type=file]')).not.toBeInViewport();
  const attach = agent.getByRole('button', { name: 'Attach a file' });
  await expect(attach).toBeVisible();
  await agent.getByRole('textbox', { name: 'Reply' }).focus();
  await agent.keyboard.press('Tab');
  await expect(attach).toBeFocused();
  const chooser = agent.waitForEvent('filechooser');
  await agent.keyboard.press('Enter');
  await (await chooser).setFiles({ name: 'keyboard.txt', mimeType: 'text/plain', buffer: Buffer.from('typed') });
  await expect(agent.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'keyboard.txt' })).not.toContainText('Sending…');
});

test('the list counts in words, merged messages included, and dates read as words with the full date kept', async ({ browser }) => {
  const first = `first-${randomUUID()}`;
  await visitorWrites(browser, [first]);
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  const list = agent.getByRole('navigation', { name: 'Conversations' });
  await list.getByRole('button').first().click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(first)).toBeVisible();
  const label = (await agent.getByRole('heading', { level: 2 }).textContent())!;
  const item = list.getByRole('button', { name: new RegExp(`^${label}`) });
  await expect(item.locator('.when')).toHaveText(/^1 message · /);
  const time = item.locator('time');
  await expect(time).toHaveText(/^(now|\d+ min\. ago)$/);
  expect(new Date((await time.getAttribute('datetime'))!).getTime()).toBeGreaterThan(Date.now() - 600_000);
  await expect(time).toHaveAttribute('title', new RegExp(String(new Date().getFullYear())));
  await expect(agent.locator('.thread-head time')).toHaveText(/^(in \d+ days|on \w{3} \d{1,2}, \d{4})$/);

  // The same customer writes twice from another browser; the agent merges that thread into the first.
  const second = [`second-${randomUUID()}`, `third-${randomUUID()}`];
  await visitorWrites(browser, second);
  await list.getByRole('button').first().click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(second[0]!)).toBeVisible();
  await agent.getByLabel('Same customer as').selectOption({ label });
  await agent.getByRole('button', { name: 'Merge' }).click();
  await item.click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(second[1]!)).toBeVisible();
  await expect(item.locator('.when')).toHaveText(/^3 messages · /);
});
