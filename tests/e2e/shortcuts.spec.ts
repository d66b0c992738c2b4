/**
 * Keyboard shortcuts in the console: j/k move through the list, r focuses the composer (where the
 * same keys are text), a assigns the conversation to me, c closes it, and ? opens a dialog listing
 * them that keeps focus inside, closes on Escape and hands focus back. axe finds nothing on it.
 */
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { expect, signIn, test } from './helpers.ts';
import { conversationList, listed, openConversationWith, visitorWrites } from './inbox-fixtures.ts';

test('an agent works the inbox from the keyboard, and ? lists the shortcuts', async ({ browser }) => {
  test.setTimeout(120_000);
  const first = `keys-first-${randomUUID()}`;
  const second = `keys-second-${randomUUID()}`;
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await visitorWrites(browser, [first]);
  await visitorWrites(browser, [second]);
  const buttons = conversationList(agent).getByRole('button');
  await expect(buttons.nth(1)).toBeVisible();
  await buttons.nth(0).click();
  await expect(buttons.nth(0)).toHaveAttribute('aria-current', 'true');
  const heading = agent.getByRole('main').getByRole('heading', { level: 2 });
  const top = await heading.textContent();

  // j and k move down and up the list, and the thread follows.
  await agent.keyboard.press('j');
  await expect(buttons.nth(1)).toHaveAttribute('aria-current', 'true');
  await expect(heading).not.toHaveText(top!);
  await agent.keyboard.press('k');
  await expect(buttons.nth(0)).toHaveAttribute('aria-current', 'true');
  await expect(heading).toHaveText(top!);

  // r puts the cursor in the composer; there the same letters are text, not shortcuts.
  const label = await openConversationWith(agent, second);
  const reply = agent.getByRole('textbox', { name: 'Reply' });
  await heading.click();
  await agent.keyboard.press('r');
  await expect(reply).toBeFocused();
  await agent.keyboard.type('jack');
  await expect(reply).toHaveValue('jack');
  await expect(heading).toHaveText(label);
  await expect(agent.getByRole('dialog')).toHaveCount(0);
  await reply.fill('');
  await reply.blur();

  // a assigns it to me; c closes it, and it leaves Open.
  await agent.keyboard.press('a');
  await expect(agent.getByLabel('Assigned to').locator('option:checked')).toHaveText(/^me \(/);
  await agent.keyboard.press('c');
  await expect(listed(agent, label)).toHaveCount(0);
  await agent.getByRole('group', { name: 'Views' }).getByRole('button', { name: /^Closed\b/ }).click();
  await expect(listed(agent, label)).toBeVisible();

  // ? opens the list of shortcuts as a modal dialog: focus inside, Tab stays inside, Escape closes.
  const opener = agent.getByRole('button', { name: 'Keyboard shortcuts' });
  await opener.focus();
  await agent.keyboard.press('?');
  const dialog = agent.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('definition')).toHaveText(['Next conversation', 'Previous conversation', 'Assign the conversation to me', 'Close the conversation', 'Write a reply (focus the composer)', 'Search messages', 'Show these shortcuts']);
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  for (let i = 0; i < 3; i++) {
    await agent.keyboard.press('Tab');
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  }
  // Shortcuts pressed while it is open do nothing behind it.
  const current = await heading.textContent();
  await agent.keyboard.press('j');
  await expect(heading).toHaveText(current!);
  for (const colorScheme of ['light', 'dark'] as const) {
    await agent.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page: agent }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), colorScheme).toEqual([]);
  }
  await agent.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  // The header's button opens it too.
  await opener.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});
