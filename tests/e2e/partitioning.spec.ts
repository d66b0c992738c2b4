/**
 * Storage partitioning: browsers key a third-party frame's storage (IndexedDB, Web Locks,
 * BroadcastChannel, session storage) by the top-level site. The same chat frame embedded by two
 * websites in one browser therefore holds two sets of keys and histories: a conversation started on
 * one website is not readable from the other.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from '@playwright/test';
import { chat, chatFrame, expect, frameOrigin, signIn, test } from './helpers.ts';

/** Another website of the business (over HTTPS: the chat needs a secure context, WebCrypto). */
const OTHER_SITE = 'https://second-shop.test';

/** Sets the demo site's allowed origins from the console's Install page. */
async function allowOrigins(browser: Browser, edit: (origins: string[]) => string[]): Promise<void> {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin);
  await admin.getByRole('link', { name: 'Install' }).click();
  const field = admin.getByLabel(/Allowed origins/);
  const current = (await field.inputValue()).split('\n').filter(Boolean);
  await field.fill(edit(current).join('\n'));
  await admin.getByRole('button', { name: 'Save origins' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await admin.context().close();
}

test('the same frame origin embedded by two websites keeps two separate conversations and keys', async ({ browser, baseURL }) => {
  await allowOrigins(browser, (origins) => [...origins, OTHER_SITE]);
  try {
    const canary = `partition-canary-${randomUUID()}`;
    const context = await browser.newContext();
    // Another business website in the same browser, embedding the same frame origin.
    await context.route(`${OTHER_SITE}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><title>Second shop</title><h1>Second shop</h1><script async src="${baseURL}/widget/threadline.js" data-site="demo" data-frame-origin="${frameOrigin(baseURL!)}"></script>`,
      }),
    );
    const first = await context.newPage();
    await first.goto('/');
    await first.getByRole('button', { name: 'Open chat' }).click();
    await chat(first).getByRole('textbox', { name: 'Message' }).fill(canary);
    await chat(first).getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(chat(first).getByRole('log').getByRole('listitem').filter({ hasText: canary })).not.toContainText('Sending…');
    const origin = await (await chatFrame(first)).evaluate(() => location.origin);

    const second = await context.newPage();
    await second.goto(`${OTHER_SITE}/`);
    await second.getByRole('button', { name: 'Open chat' }).click();
    await expect(chat(second).getByRole('dialog')).toContainText('How can we help');
    const frame = await chatFrame(second);
    expect(await frame.evaluate(() => location.origin)).toBe(origin); // the same frame origin …
    await expect(chat(second).getByText(canary)).toHaveCount(0); // … but not the same storage
    const stored = await frame.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => Object.assign(indexedDB.open('threadline-crypto'), { onsuccess(this: IDBRequest<IDBDatabase>) { resolve(this.result); }, onerror: reject }));
      const keys = db.objectStoreNames.contains('history') ? await new Promise<IDBValidKey[]>((resolve) => { const r = db.transaction('history').objectStore('history').getAllKeys(); r.onsuccess = () => resolve(r.result); }) : [];
      db.close();
      return keys.length;
    });
    expect(stored).toBe(0);

    // The first website still has its conversation, in the same browser.
    await first.reload(); // the panel was open: it reopens
    await expect(chat(first).getByRole('log').getByText(canary)).toBeVisible();
  } finally {
    await allowOrigins(browser, (origins) => origins.filter((o) => o !== OTHER_SITE));
  }
});
