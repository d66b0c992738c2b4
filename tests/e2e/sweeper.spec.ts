/**
 * Retention, end to end: a visitor's conversation whose expiry passes on the relay's clock is
 * deleted from the relay's SQLite file and, live, from the visitor's browser — its history and keys
 * in IndexedDB — and the widget offers a fresh conversation. The spec runs its own demo relay with
 * a test clock (THREADLINE_TEST_CLOCK=1, loopback only) so moving time does not touch other specs.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startOwnRelay, type OwnRelay } from './hardening-relay.ts';
import { chat, chatFrame, expect, ownPort, test } from './helpers.ts';

const HOUR = 3600_000;
let relay: OwnRelay;
let base: string;
let dataDir: string;

test.beforeAll(async () => {
  relay = await startOwnRelay(ownPort(44), { THREADLINE_TEST_CLOCK: '1' });
  ({ base, dataDir } = relay);
});

test.afterAll(async () => {
  expect(await relay.stop()).toBe(0); // drained and closed cleanly on SIGTERM
});

/** What the chat frame's IndexedDB holds for the visitor: its session's conversation and its history entries. */
const browserState = async (page: Page) =>
  (await chatFrame(page)).evaluate(async () => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const all = <T>(db: IDBDatabase, store: string, what: 'getAll' | 'getAllKeys') =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store)[what]();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    // The visitor's session record is kept beside its device keys.
    const vault = await open('threadline-crypto');
    const sessions = await all<{ conversationId?: string }>(vault, 'devices', 'getAll');
    const history = await all<string>(vault, 'history', 'getAllKeys');
    return { conversations: sessions.map((s) => s.conversationId).filter(Boolean) as string[], history: history.map(String) };
  });

const relayRows = (conversationId: string) => {
  const db = new Database(join(dataDir, 'threadline.sqlite'), { readonly: true });
  try {
    const count = (sql: string) => db.prepare(sql).pluck().get(conversationId) as number;
    return { conversations: count('SELECT count(*) FROM conversations WHERE id = ?'), envelopes: count('SELECT count(*) FROM envelopes WHERE conversation_id = ?') };
  } finally {
    db.close();
  }
};

/** Opens the shop's chat and writes `text` in a new conversation kept 24 hours; returns the panel. */
async function startShortConversation(page: Page, text: string) {
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const dialog = chat(page).getByRole('dialog', { name: 'Chat with Northwind Outfitters' });
  await dialog.getByLabel('Keep this conversation for').selectOption({ label: '24 hours' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill(text);
  await dialog.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(dialog.getByRole('log').getByRole('listitem').filter({ hasText: text })).not.toContainText('Sending…');
  return dialog;
}

test('an expired conversation disappears from the relay’s database and from the visitor’s browser', async ({ browser }) => {
  const canary = `short-lived-${randomUUID()}`;
  const errors: string[] = [];
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  const dialog = await startShortConversation(page, canary);
  const log = dialog.getByRole('log', { name: 'Messages' });

  const before = await browserState(page);
  expect(before.conversations).toHaveLength(1);
  const conversationId = before.conversations[0]!;
  expect(before.history.filter((key) => key.includes(`|${conversationId}|`)).length).toBeGreaterThan(0);
  expect(relayRows(conversationId)).toEqual({ conversations: 1, envelopes: 1 });

  // 23 hours on: nothing is due yet.
  const early = await page.request.post(`${base}/test/clock`, { data: { advanceMs: 23 * HOUR } });
  expect(await early.json()).toMatchObject({ swept: 0 });
  await expect(log.getByText(canary)).toBeVisible();

  // Past the expiry: the relay deletes it and tells the open widget, which destroys its copy.
  const late = await page.request.post(`${base}/test/clock`, { data: { advanceMs: 2 * HOUR } });
  expect(await late.json()).toMatchObject({ swept: 1 });
  expect(relayRows(conversationId)).toEqual({ conversations: 0, envelopes: 0 });
  await expect(log.getByText(canary)).toHaveCount(0);
  await expect(dialog.getByLabel('Keep this conversation for')).toBeVisible(); // a fresh conversation
  await expect(dialog.getByRole('alert')).toHaveCount(0); // not an error: the conversation simply ended
  await expect.poll(async () => (await browserState(page)).conversations).toEqual([]);
  expect((await browserState(page)).history.filter((key) => key.includes(`|${conversationId}|`))).toEqual([]);

  // After a reload too, and the next message starts a new conversation.
  await page.reload(); // the panel stays open across the reload
  await expect(dialog.getByLabel('Keep this conversation for')).toBeVisible();
  await expect(dialog.getByText(canary)).toHaveCount(0);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('A new question');
  await dialog.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(log.getByRole('listitem').filter({ hasText: 'A new question' })).not.toContainText('Sending…');
  const after = await browserState(page);
  expect(after.conversations).toHaveLength(1);
  expect(after.conversations[0]).not.toBe(conversationId);
  expect(errors).toEqual([]);
});

test('a conversation deleted while no page was open is dropped on the next visit, and a new one starts', async ({ browser }) => {
  const canary = `swept-while-away-${randomUUID()}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await startShortConversation(page, canary);
  const [conversationId] = (await browserState(page)).conversations;
  await page.close();

  // The relay sweeps it while the visitor is away; the browser's own clock still says it is current.
  expect(await (await context.request.post(`${base}/test/clock`, { data: { advanceMs: 25 * HOUR } })).json()).toMatchObject({ swept: 1 });
  const back = await context.newPage();
  await back.goto(`${base}/`);
  await back.getByRole('button', { name: /Open chat/ }).click();
  const again = chat(back).getByRole('dialog', { name: 'Chat with Northwind Outfitters' });
  await expect(again.getByLabel('Keep this conversation for')).toBeVisible(); // a fresh conversation
  await expect(again.getByText(canary)).toHaveCount(0);
  await expect(again.getByRole('alert')).toHaveCount(0);
  await expect.poll(async () => (await browserState(back)).history.filter((key) => key.includes(`|${conversationId}|`))).toEqual([]);
});
