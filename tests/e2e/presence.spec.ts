/** Typing indicators both ways and read receipts, between a visitor and an agent, in real Chromium. */
import { chat, expect, signIn, test } from './helpers.ts';

test('each side sees the other typing, and when its messages were read', async ({ browser }) => {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(visitor).getByRole('textbox', { name: 'Message' });
  await composer.fill('Is anyone there?');
  await composer.press('Enter');
  const mine = chat(visitor).getByRole('log').getByRole('listitem').filter({ hasText: 'Is anyone there?' });
  await expect(mine).not.toContainText('Sending…');
  await expect(mine).not.toContainText('Read');

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log').getByText('Is anyone there?')).toBeVisible();

  // The agent has the conversation open: the visitor's message shows as read.
  await expect(mine).toContainText('Read');

  // The agent types: the visitor sees it; the visitor types: the agent sees it.
  await agent.getByRole('textbox', { name: 'Reply' }).pressSequentially('Yes, ', { delay: 20 });
  await expect(chat(visitor).getByText('Northwind Outfitters is typing…')).toBeVisible();
  await composer.pressSequentially('Great', { delay: 20 });
  await expect(agent.getByText(/is typing…/)).toBeVisible();

  // The reply ends the indicator; the visitor reads it with the panel open.
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Yes, Alex here.');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(chat(visitor).getByRole('log').getByText('Yes, Alex here.')).toBeVisible();
  await expect(chat(visitor).getByText('Northwind Outfitters is typing…')).toBeHidden();
  await expect(agent.getByRole('log').getByRole('listitem').filter({ hasText: 'Yes, Alex here.' })).toContainText('Read');

  // Light formatting and links from the agent, as elements (never HTML), links opened safely.
  await agent.getByRole('textbox', { name: 'Reply' }).fill('See **our FAQ** at https://example.com/faq or `order #42`. javascript:alert(1)');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  const link = chat(visitor).getByRole('link', { name: 'https://example.com/faq' });
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('href', 'https://example.com/faq');
  await expect(chat(visitor).locator('strong')).toHaveText('our FAQ');
  await expect(chat(visitor).locator('code')).toHaveText('order #42');
  await expect(chat(visitor).getByRole('link', { name: /javascript/ })).toHaveCount(0);

  // The visitor rates the conversation; the agent sees it in the thread.
  await chat(visitor).getByRole('button', { name: 'Rate this conversation' }).click();
  const rating = chat(visitor).getByRole('form', { name: 'Rate this conversation' });
  await rating.getByRole('button', { name: '4 of 5' }).click();
  await rating.getByRole('textbox', { name: 'Comment (optional)' }).fill('Quick and kind');
  await rating.getByRole('button', { name: 'Send message' }).click();
  await expect(chat(visitor).getByRole('log').getByText('Rated 4 of 5 — Quick and kind')).toBeVisible();
  await expect(agent.getByRole('log').getByLabel('Rated 4 of 5')).toContainText('Quick and kind');
});
