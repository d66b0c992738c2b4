/** Typing indicators both ways and read receipts, between a visitor and an agent, in real Chromium. */
import { expect, test } from '@playwright/test';

// Consoles left open by other specs would read the new conversation first.
test.beforeEach(async ({ browser }) => {
  for (const context of browser.contexts()) await context.close();
});

test('each side sees the other typing, and when its messages were read', async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const composer = visitor.getByRole('textbox', { name: 'Message' });
  await composer.fill('Is anyone there?');
  await composer.press('Enter');
  const mine = visitor.getByRole('log').getByRole('listitem').filter({ hasText: 'Is anyone there?' });
  await expect(mine).not.toContainText('Sending…');
  await expect(mine).not.toContainText('Read');

  const agent = await (await browser.newContext()).newPage();
  await agent.goto('/console/');
  await agent.getByLabel('Email').fill('agent@demo.test');
  await agent.getByLabel('Password').fill(process.env.THREADLINE_E2E_PASSWORD!);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log').getByText('Is anyone there?')).toBeVisible();

  // The agent has the conversation open: the visitor's message shows as read.
  await expect(mine).toContainText('Read');

  // The agent types: the visitor sees it; the visitor types: the agent sees it.
  await agent.getByRole('textbox', { name: 'Reply' }).pressSequentially('Yes, ', { delay: 20 });
  await expect(visitor.getByText('Northwind Outfitters is typing…')).toBeVisible();
  await composer.pressSequentially('Great', { delay: 20 });
  await expect(agent.getByText(/is typing…/)).toBeVisible();

  // The reply ends the indicator; the visitor reads it with the panel open.
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Yes, Alex here.');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(visitor.getByRole('log').getByText('Yes, Alex here.')).toBeVisible();
  await expect(visitor.getByText('Northwind Outfitters is typing…')).toBeHidden();
  await expect(agent.getByRole('log').getByRole('listitem').filter({ hasText: 'Yes, Alex here.' })).toContainText('Read');
});
