/** Growing the demo's team from the console, as an admin does: an invitation link, then the invitee sets a password. */
import type { Browser, Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { expect } from './helpers.ts';

/** The admin (signed in on `admin`) invites someone; returns the one-time link and the address. */
export async function createInvitation(admin: Page, name: string): Promise<{ link: string; email: string }> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@demo.test`;
  await admin.getByRole('link', { name: 'Devices & team' }).click();
  await admin.getByLabel('Name').fill(name);
  await admin.getByLabel('Email').fill(email);
  await admin.getByRole('button', { name: 'Create invitation' }).click();
  const link = await admin.getByLabel('Invitation link').textContent();
  expect(link).toMatch(/#invite=/);
  return { link: link!, email };
}

/** The invitee accepts in a browser of their own and lands in the console, signed in. */
export async function acceptInvitation(browser: Browser, link: string, password = `${randomUUID()}-pw`): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the password').fill(password);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(page.getByRole('link', { name: 'Inbox' })).toBeVisible();
  return page;
}

/** Someone joins the team: invited, accepted on a device of their own, approved by the admin with the code that device shows. */
export async function joinTeam(admin: Page, browser: Browser, name: string): Promise<Page> {
  const { link, email } = await createInvitation(admin, name);
  const member = await acceptInvitation(browser, link);
  await admin.reload();
  await admin.getByLabel(`Code shown on ${email}’s new device`).fill((await member.getByLabel('Approval code').textContent())!);
  await admin.getByRole('button', { name: `Approve ${email}` }).click();
  await expect(member.getByText('This device is waiting for an admin to approve it')).toBeHidden();
  return member;
}
