/**
 * Search across the agent's decrypted history, on the device: words from the customers' and the
 * agent's messages find them, marked in an excerpt; a result opens its conversation at the message;
 * the query never leaves the browser (no request or socket frame carries it). axe finds nothing.
 */
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { expect, signIn, test } from './helpers.ts';
import { conversationList, openConversationWith, visitorWrites } from './inbox-fixtures.ts';

const word = () => `w${randomUUID().replace(/-/g, '').slice(0, 12)}`;

test('an agent searches the decrypted history on the device and opens a result at its message', async ({ browser }) => {
  test.setTimeout(180_000);
  const [parcel, invoice] = [word(), word()];
  const context = await browser.newContext();
  const sent: string[] = [];
  context.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`));
  context.on('page', (page) => page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => sent.push(String(payload)))));
  const agent = await context.newPage();
  await signIn(agent);
  // The customers leave once they have written: their chats need no more of the machine.
  await (await visitorWrites(browser, [`Hello, my parcel ${parcel} arrived broken`, 'Are you there?'])).context().close();
  await (await visitorWrites(browser, [`Where is the invoice ${invoice} for March?`])).context().close();
  const first = await openConversationWith(agent, parcel);
  const reply = agent.getByRole('textbox', { name: 'Reply' });
  await reply.fill(`Sorry about parcel ${parcel}: a refund is on its way`);
  await reply.press('Enter');
  await expect(agent.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'a refund is on its way' })).not.toContainText('Sending…');
  const second = await openConversationWith(agent, invoice);

  // "/" goes to the search box; a word finds the customer's message and the agent's reply.
  await agent.getByRole('main').getByRole('heading', { level: 2 }).click();
  await agent.keyboard.press('/');
  const box = agent.getByRole('searchbox', { name: 'Search messages' });
  await expect(box).toBeFocused();
  await agent.keyboard.type(parcel);
  const results = agent.getByRole('navigation', { name: 'Search results' });
  await expect(results.getByRole('status')).toHaveText('2 messages found. Searched on this device only.');
  await expect(results.getByRole('button')).toHaveCount(2);
  await expect(results.locator('mark')).toHaveText([parcel, parcel]);
  await expect(results.getByRole('button', { name: /You: Sorry about parcel/ })).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await agent.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page: agent }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), colorScheme).toEqual([]);
  }

  // The customer's message opens its conversation (not the one on screen), at that message.
  await results.getByRole('button', { name: new RegExp(`^${first}.*my parcel`) }).click();
  const heading = agent.getByRole('main').getByRole('heading', { level: 2 });
  await expect(heading).toHaveText(first);
  const log = agent.getByRole('log', { name: 'Messages' });
  await expect(log.locator('li.highlighted')).toContainText(`my parcel ${parcel} arrived broken`);
  await expect(log.locator('li.highlighted')).toBeInViewport();

  // Several words must all match, the last one as a prefix; the other conversation is one result.
  await box.fill(`march ${invoice.slice(0, 8)}`);
  await expect(results.getByRole('button')).toHaveCount(1);
  await results.getByRole('button').click();
  await expect(heading).toHaveText(second);
  await box.fill(`${parcel} march`);
  await expect(results.getByRole('status')).toHaveText('No message matches. Searched on this device only.');

  // Escape clears the search and the list is back.
  await box.press('Escape');
  await expect(box).toHaveValue('');
  await expect(conversationList(agent)).toBeVisible();

  // Nothing the agent searched for left the browser.
  expect(sent.length).toBeGreaterThan(0);
  for (const searched of [parcel, invoice, invoice.slice(0, 8)]) expect(sent.filter((entry) => entry.includes(searched))).toEqual([]);
});
