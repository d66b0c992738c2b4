/**
 * A visitor over the relay's message limit loses nothing and keeps the order: the relay refuses
 * with a typed error and closes the socket with 1013 (try again later); the widget reconnects and
 * resends its outbox. Runs against a relay of its own with a tight limit (3 messages, then 1 a second).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startOwnRelay, type OwnRelay } from './hardening-relay.ts';
import { chat, expect, ownPort, test } from './helpers.ts';

let relay: OwnRelay;

test.beforeAll(async () => {
  relay = await startOwnRelay(ownPort(45), { THREADLINE_LIMITS: 'messages=3/60' });
});
test.afterAll(async () => {
  expect(await relay.stop()).toBe(0);
});

test('a visitor sending faster than the limit gets every message through, once and in order', async ({ browser }) => {
  const count = 8;
  const texts = Array.from({ length: count }, (_, i) => `burst message ${i + 1}`);
  const visitor = await (await browser.newContext()).newPage();
  const refusals: string[] = [];
  visitor.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => void (String(payload).includes('"rate_limited"') && refusals.push(String(payload)))));
  await visitor.goto(`${relay.base}/`);
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const dialog = chat(visitor).getByRole('dialog', { name: 'Chat with Northwind Outfitters' });
  const composer = dialog.getByRole('textbox', { name: 'Message' });
  for (const text of texts) {
    await composer.fill(text);
    await composer.press('Enter');
  }
  const log = dialog.getByRole('log', { name: 'Messages' });
  for (const text of texts) await expect(log.getByRole('listitem').filter({ hasText: text })).not.toContainText('Sending…', { timeout: 30_000 });
  expect(refusals.length).toBeGreaterThan(0); // the limit was hit

  const db = new Database(join(relay.dataDir, 'threadline.sqlite'), { readonly: true });
  const stored = db.prepare('SELECT count(*) AS n, count(DISTINCT id) AS ids, max(seq) AS last FROM envelopes').get();
  db.close();
  expect(stored).toEqual({ n: count, ids: count, last: count }); // each once

  // The business reads them in the order they were written.
  const agent = await (await browser.newContext()).newPage();
  await agent.goto(`${relay.base}/console/`);
  await agent.getByLabel('Email').fill('agent@demo.test');
  await agent.getByLabel('Password').fill(relay.password);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByRole('listitem')).toHaveText(texts.map((text) => new RegExp(text + '(?!\\d)')));
});
