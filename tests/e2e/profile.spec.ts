/**
 * The customer profile beside the thread, from what the console already holds: a customer who
 * wrote from two browsers (an agent merged the second conversation into the first) shows both web
 * identities, both conversations and their rating. axe finds nothing on the inbox with it.
 */
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { chat, expect, signIn, test } from './helpers.ts';
import { openConversationWith, visitorWrites } from './inbox-fixtures.ts';

test('the profile shows the customer’s identities, conversations and ratings', async ({ browser }) => {
  test.setTimeout(150_000);
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  const [first, second] = [`profile-first-${randomUUID()}`, `profile-second-${randomUUID()}`];
  const laptop = await visitorWrites(browser, [first]);
  await visitorWrites(browser, [second]);

  const label = await openConversationWith(agent, first);
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Happy to help.');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(agent.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Happy to help.' })).not.toContainText('Sending…');
  await chat(laptop).getByRole('button', { name: 'Rate this conversation' }).click();
  const rating = chat(laptop).getByRole('form', { name: 'Rate this conversation' });
  await rating.getByRole('button', { name: '5 of 5' }).click();
  await rating.getByRole('textbox', { name: 'Comment (optional)' }).fill('spot on');
  await rating.getByRole('button', { name: 'Send message' }).click();

  // The same customer wrote from another browser: the agent merges that conversation into the first.
  await openConversationWith(agent, second);
  const profile = agent.getByRole('complementary', { name: 'Customer profile' });
  await expect(profile.getByRole('list').nth(1).getByRole('listitem')).toHaveText([/^This one · 1 message · Open$/]);
  await expect(profile.getByText('No rating yet.')).toBeVisible();
  await agent.getByLabel('Same customer as').selectOption({ label });
  await agent.getByRole('button', { name: 'Merge' }).click();
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`^${label}`) }).click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(second)).toBeVisible();

  await expect(profile.getByRole('paragraph').first()).toHaveText(new RegExp(`^${label}first wrote `));
  const reached = profile.getByRole('list').nth(0).getByRole('listitem');
  await expect(reached).toHaveCount(2);
  await expect(reached).toContainText([/^Web chat browser \S{6}, end-to-end encrypted$/, /^Web chat browser \S{6}, end-to-end encrypted$/]);
  await expect(profile.getByRole('list').nth(1).getByRole('listitem')).toHaveText([/^This one · [0-9]+ messages · Open$/, /^Merged into this one · 1 message · started (now|\d+ min\. ago)$/]);
  await expect(profile.getByRole('list').nth(2).getByRole('listitem')).toHaveText([/^5\/5 — spot on /]);

  for (const colorScheme of ['light', 'dark'] as const) {
    await agent.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page: agent }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), colorScheme).toEqual([]);
  }
});
