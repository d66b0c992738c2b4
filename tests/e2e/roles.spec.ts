/**
 * Roles in the console: an invited agent who is not an admin sees the organisation's settings but
 * cannot change them (the relay refuses it too: server/src/access.test.ts), while the admin can.
 */
import { expect, signIn, test } from './helpers.ts';
import { acceptInvitation, createInvitation } from './team.ts';

test('an agent sees messengers, allowed websites and the team read-only; the admin can change them', async ({ browser }) => {
  test.setTimeout(90_000);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin);
  await expect(admin.getByText('(admin)')).toBeVisible();
  const { link } = await createInvitation(admin, 'Sam');
  const agent = await acceptInvitation(browser, link);
  await expect(agent.getByText('Sam (agent)')).toBeVisible();

  await agent.getByRole('link', { name: 'Messengers' }).click();
  await expect(agent.getByText('Only an admin of your team can change the messengers.')).toBeVisible();
  await expect(agent.getByLabel('Phone number (international, digits only)')).toBeDisabled();
  await expect(agent.getByRole('button', { name: 'Save' })).toHaveCount(0);

  await agent.getByRole('link', { name: 'Install' }).click();
  await expect(agent.getByRole('textbox', { name: /Allowed origins/ })).not.toBeEditable();
  await expect(agent.getByRole('button', { name: 'Save origins' })).toHaveCount(0);
  await expect(agent.getByText('Only an admin of your team can change the allowed websites.')).toBeVisible();
  await expect(agent.getByLabel('Script tag')).toContainText('data-site="demo"'); // what an agent may still copy

  await agent.getByRole('link', { name: 'Devices & team' }).click();
  await expect(agent.getByRole('row', { name: /Sam|sam-/ }).first()).toBeVisible();
  await expect(agent.getByRole('button', { name: 'Create invitation' })).toHaveCount(0);
  await expect(agent.getByRole('button', { name: /^(Approve|Revoke) / })).toHaveCount(0);

  // The same pages are the admin's to change.
  await admin.getByRole('link', { name: 'Messengers' }).click();
  await expect(admin.getByLabel('Phone number (international, digits only)')).toBeEditable();
  await expect(admin.getByRole('button', { name: 'Save' })).toBeVisible();
  await admin.getByRole('link', { name: 'Install' }).click();
  await expect(admin.getByRole('button', { name: 'Save origins' })).toBeVisible();
  await admin.getByRole('link', { name: 'Devices & team' }).click();
  await expect(admin.getByRole('button', { name: /^Approve sam-/ })).toBeVisible();
});
