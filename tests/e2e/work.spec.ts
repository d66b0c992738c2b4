/**
 * Organising the work between two agents: one closes a conversation and both see it move to Closed;
 * the customer writes again and it is back in Open for both, counted unread; a snooze holds it in
 * Snoozed; assigned to one agent, it is in that agent's Mine and leaves Unassigned. Status lives on
 * the relay (what was decided, at which message); reopening is derived.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { chat, expect, signIn, test } from './helpers.ts';
import { joinTeam } from './team.ts';

const tab = (page: Page, view: string) => page.getByRole('group', { name: 'Views' }).getByRole('button', { name: new RegExp(`^${view}\\b`) });
const unread = async (page: Page, view: string) => Number(/, (\d+) unread$/.exec((await tab(page, view).textContent()) ?? '')?.[1] ?? 0);
const listed = (page: Page, label: string) => page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`^${label}`) });

test('two agents see a conversation closed, reopened by the customer (unread), snoozed and assigned', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin);
  const kim = await joinTeam(admin, browser, 'Kim');

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const say = async (text: string) => {
    await chat(visitor).getByRole('textbox', { name: 'Message' }).fill(text);
    await chat(visitor).getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(chat(visitor).getByRole('log').getByRole('listitem').filter({ hasText: text })).not.toContainText('Sending…');
  };
  const first = `status-${randomUUID()}`;
  await say(first);

  await admin.getByRole('link', { name: 'Inbox' }).click();
  await admin.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(admin.getByRole('log', { name: 'Messages' }).getByText(first)).toBeVisible();
  const label = (await admin.getByRole('heading', { level: 2 }).textContent())!;
  await kim.getByRole('link', { name: 'Inbox' }).click();
  await expect(listed(kim, label)).toBeVisible();

  // The admin closes it: it leaves Open for both agents and shows in Closed.
  await admin.getByRole('button', { name: 'Close', exact: true }).click();
  for (const agent of [admin, kim]) await expect(listed(agent, label)).toHaveCount(0);
  await tab(kim, 'Closed').click();
  await expect(listed(kim, label)).toBeVisible();
  await tab(admin, 'Closed').click();
  await listed(admin, label).click();
  await expect(admin.getByText('Closed', { exact: true }).and(admin.locator('.badge'))).toBeVisible();

  // Kim looks at Closed and the admin at another page, so neither reads it; the customer writes
  // again and it is back in Open, unread.
  await admin.getByRole('link', { name: 'Install' }).click();
  const before = await unread(kim, 'Open');
  await say(`again-${randomUUID()}`);
  await expect(listed(kim, label)).toHaveCount(0); // it left Closed by itself
  await expect.poll(() => unread(kim, 'Open')).toBe(before + 1);
  await tab(kim, 'Open').click();
  await listed(kim, label).click();
  await expect.poll(() => unread(kim, 'Open')).toBe(before);

  // Kim snoozes it for an hour: the admin finds it under Snoozed.
  await kim.getByLabel('Snooze').selectOption({ label: 'for an hour' });
  await expect(listed(kim, label)).toHaveCount(0);
  await admin.getByRole('link', { name: 'Inbox' }).click();
  await tab(admin, 'Snoozed').click();
  await expect(listed(admin, label)).toBeVisible();
  await listed(admin, label).click();
  await admin.getByRole('button', { name: 'Reopen' }).click();
  await tab(admin, 'Unassigned').click();
  await expect(listed(admin, label)).toBeVisible();

  // The admin gives it to Kim: it is in Kim's Mine, and no longer Unassigned.
  await listed(admin, label).click();
  await admin.getByLabel('Assigned to').selectOption({ label: 'Kim' });
  await expect(listed(admin, label)).toHaveCount(0);
  await tab(kim, 'Mine').click();
  await expect(listed(kim, label)).toBeVisible();
  await listed(kim, label).click();
  await expect(kim.getByLabel('Assigned to').locator('option:checked')).toHaveText('me (Kim)');
});
