/**
 * The script tag on a business's own website: the page's origin is not the relay's. The loader
 * comes from the relay, and the chat runs in the relay's frame (the frame origin defaults to the
 * relay's): the page's CSP allows Threadline in script-src and frame-src, nothing else.
 */
import { chat, expect, frameOrigin, signIn, test } from './helpers.ts';

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

test('another website cannot embed the chat: frame-ancestors blocks the frame, and the frame itself refuses an embedder the site does not allow', async ({ browser, baseURL }) => {
  const elsewhere = 'http://not-allowed.test';
  const page = async (withoutFrameCsp: boolean) => {
    const context = await browser.newContext();
    await context.route(`${elsewhere}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><title>Not allowed</title><script async src="${baseURL}/widget/threadline.js" data-site="demo" data-frame-origin="${frameOrigin(baseURL!)}"></script>`,
      }),
    );
    // As if the frame's files were served by a static host that forgot the frame's policy.
    if (withoutFrameCsp) {
      await context.route(`${frameOrigin(baseURL!)}/frame/?site=demo`, async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers() };
        delete headers['content-security-policy'];
        await route.fulfill({ response, headers });
      });
    }
    const visitor = await context.newPage();
    const problems: string[] = [];
    visitor.on('console', (message) => problems.push(message.text()));
    await visitor.goto(`${elsewhere}/`);
    await visitor.locator('threadline-chat iframe').waitFor({ state: 'attached' });
    return { visitor, problems };
  };

  // The relay's frame-ancestors: the browser does not render the frame at all.
  const blocked = await page(false);
  await expect.poll(() => blocked.visitor.frames().map((frame) => frame.url())).toContain('chrome-error://chromewebdata/');
  await blocked.visitor.getByRole('button', { name: 'Open chat' }).click();
  await expect(chat(blocked.visitor).getByRole('textbox', { name: 'Message' })).toHaveCount(0);

  // The frame's own check, should the policy be missing: it loads, and refuses to start the chat.
  const refused = await page(true);
  await expect.poll(() => refused.problems.join('\n')).toContain(`Threadline: failed to start the chat in this frame: ${elsewhere} is not on the site’s allowed origins`);
  await refused.visitor.getByRole('button', { name: 'Open chat' }).click();
  await expect(chat(refused.visitor).getByRole('dialog')).toHaveCount(0);
});
