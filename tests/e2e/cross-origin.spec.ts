/**
 * The script tag on a business's own website: the page's origin is not the relay's. The loader
 * comes from the relay, and the chat runs in the relay's frame (the frame origin defaults to the
 * relay's): the page's CSP allows Threadline in script-src and frame-src, nothing else.
 */
import { chat, expect, signIn, test } from './helpers.ts';

test('the script tag works on another origin than the relay’s: a visitor there writes to an agent', async ({ browser, baseURL }) => {
  const site = baseURL!.replace('127.0.0.1', 'localhost');
  const visitor = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  visitor.on('pageerror', (error) => problems.push(error.message));
  visitor.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  await visitor.route(`${site}/elsewhere`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      headers: { 'content-security-policy': `default-src 'none'; script-src ${baseURL}; frame-src ${baseURL}` },
      body: `<!doctype html><html lang="en"><title>Another shop</title><h1>Another shop</h1><script async src="${baseURL}/widget/threadline.js" data-site="demo"></script>`,
    }),
  );
  await visitor.goto(`${site}/elsewhere`);
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  await chat(visitor).getByRole('textbox', { name: 'Message' }).fill('Hello from another website');
  await chat(visitor).getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(chat(visitor).getByRole('log').getByRole('listitem').filter({ hasText: 'Hello from another website' })).not.toContainText('Sending…');

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent);
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(agent.getByRole('log').getByText('Hello from another website')).toBeVisible();
  expect(problems).toEqual([]);
});
