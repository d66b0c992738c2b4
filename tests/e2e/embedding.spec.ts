/**
 * The ways a business embeds the chat: a single-page app that boots, updates and shuts it down across
 * route changes; the queue snippet inline under a nonce-based CSP; and the web component in a React page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { APIRequestContext, Page } from '@playwright/test';
import { chat, frameOrigin, expect, test } from './helpers.ts';

/** Sockets open on the relay now (its health check counts them; this test is the only one connected). */
function sockets(request: APIRequestContext): () => Promise<number> {
  return async () => ((await (await request.get('/healthz')).json()) as { sockets: number }).sockets;
}

/** Serves `body` at `path` on the relay's origin, with `csp` if given. */
async function serve(page: Page, path: string, body: string, csp?: string): Promise<void> {
  await page.route(`**${path}`, (route) => route.fulfill({ contentType: 'text/html', body, headers: csp ? { 'content-security-policy': csp } : {} }));
}

test('a single-page app boots, updates and shuts the chat down across route changes: one widget, one connection', async ({ page, baseURL, request }) => {
  const open = sockets(request);
  await serve(page, '/app', `<!doctype html><html lang="en"><title>App</title><main id="view">Home</main><script async src="/widget/threadline.js" data-frame-origin="${frameOrigin(baseURL!)}"></script>`);
  await page.goto(`${baseURL}/app`);
  type Api = (command: string, ...args: unknown[]) => unknown;
  const api = (command: string, ...args: unknown[]) => page.evaluate(([c, a]) => (window as unknown as { threadline: Api }).threadline(c as string, ...(a as unknown[])), [command, args] as const);
  const route = (name: string) => page.evaluate((n) => (history.pushState({}, '', `/app/${n}`), (document.getElementById('view')!.textContent = n)), name);

  await api('boot', { site: 'demo' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  await chat(page).getByRole('textbox', { name: 'Message' }).fill('Started in a single-page app');
  await chat(page).getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: 'Started in a single-page app' })).not.toContainText('Sending…');

  for (const name of ['orders', 'account', 'help']) {
    await route(name);
    await api('shutdown');
    await expect(page.locator('threadline-chat')).toHaveCount(0);
    await api('boot', { site: 'demo' });
    await api('boot', { site: 'demo' });
    await api('update', { channels: ['whatsapp'] });
    await expect(page.locator('threadline-chat')).toHaveCount(1);
    await api('open');
    await expect(chat(page).getByRole('log').getByText('Started in a single-page app')).toBeVisible();
    await expect.poll(open).toBe(1);
    expect(page.frames().filter((frame) => frame.url().includes('/frame/'))).toHaveLength(1);
    await api('close');
  }
});

test('under a nonce-based CSP allowing Threadline only script-src and frame-src, the inline queue snippet runs, queued calls are replayed, and nothing is refused', async ({ page, baseURL }) => {
  const violations: string[] = [];
  page.on('console', (message) => /Content Security Policy/i.test(message.text()) && violations.push(message.text()));
  const nonce = 'r4nd0mN0nce';
  await serve(
    page,
    '/strict',
    `<!doctype html><html lang="en"><title>Strict</title><h1>Strict shop</h1>
<script nonce="${nonce}">window.threadline = window.threadline || function () { (threadline.q = threadline.q || []).push(arguments) };
threadline('on', 'open', function () { document.title = 'opened'; }); threadline('open');</script>
<script nonce="${nonce}" async src="/widget/threadline.js" data-site="demo" data-frame-origin="${frameOrigin(baseURL!)}"></script>`,
    // Threadline needs script-src (the loader) and frame-src (the chat's frame) only: no connect-src, no worker-src.
    `default-src 'none'; script-src 'nonce-${nonce}' 'self'; frame-src ${frameOrigin(baseURL!)}`,
  );
  await page.goto(`${baseURL}/strict`);
  await expect(chat(page).getByRole('textbox', { name: 'Message' })).toBeVisible(); // the queued `open`
  await expect(page).toHaveTitle('opened'); // the queued `on`
  await chat(page).getByRole('textbox', { name: 'Message' }).fill('Under a nonce');
  await chat(page).getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: 'Under a nonce' })).not.toContainText('Sending…');
  expect(violations).toEqual([]);
});

test('the web component in a React page: attributes from props, one element across re-renders', async ({ page, baseURL }) => {
  const require = createRequire(import.meta.url);
  const umd = (name: string) => readFileSync(require.resolve(name), 'utf8');
  await page.route('**/react.js', (route) => route.fulfill({ contentType: 'text/javascript', body: umd('react/umd/react.production.min.js') }));
  await page.route('**/react-dom.js', (route) => route.fulfill({ contentType: 'text/javascript', body: umd('react-dom/umd/react-dom.production.min.js') }));
  await page.route('**/app.js', (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: `const h = React.createElement;
function App({ count }) {
  return h('div', null, h('p', null, 'Rendered ' + count + ' times'), h('threadline-chat', { site: 'demo', relay: location.origin, 'frame-origin': location.origin.replace('127.0.0.1', 'localhost'), locale: 'en' }));
}
const root = document.getElementById('root');
let count = 1;
ReactDOM.render(h(App, { count }), root);
window.rerender = () => ReactDOM.render(h(App, { count: ++count }), root);`,
    }),
  );
  await serve(page, '/react', `<!doctype html><html lang="en"><title>React</title><div id="root"></div><script src="/react.js"></script><script src="/react-dom.js"></script><script type="module" src="/widget/widget.js"></script><script src="/app.js"></script>`);
  await page.goto(`${baseURL}/react`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await chat(page).getByRole('textbox', { name: 'Message' }).fill('From a React app');
  await chat(page).getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(chat(page).getByRole('log').getByRole('listitem').filter({ hasText: 'From a React app' })).not.toContainText('Sending…');
  await page.evaluate(() => (window as unknown as { rerender(): void }).rerender());
  await expect(page.getByText('Rendered 2 times')).toBeVisible();
  await expect(page.locator('threadline-chat')).toHaveCount(1);
  await expect(chat(page).getByRole('log').getByText('From a React app')).toBeVisible(); // the same element, still open
});
