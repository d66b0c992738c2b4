/**
 * Expiry in the console. Crypto-shredding decided by the device's own clock: a console that was
 * closed when a conversation ended deletes its history and keys when it next opens, although the
 * relay — like one that lengthened the conversation's life — still lists it and never said
 * "expired" (the agent's device clock is moved forward, in the page and the crypto worker; the
 * relay's is not). And an agent's socket lasts no longer than its session.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from '@playwright/test';
import { startOwnRelay } from './hardening-relay.ts';
import { chat, expect, ownPort, signIn, test } from './helpers.ts';

const HOUR = 3600_000;

/** Moves this browser context's clock `ms` ahead, in its pages and in the crypto worker. */
async function moveClock(context: BrowserContext, ms: number): Promise<void> {
  const shift = `{ const now = Date.now; Date.now = () => now() + ${ms}; }\n`;
  await context.addInitScript(shift);
  await context.route('**/*crypto-worker.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: shift + (await response.text()) });
  });
}

/** The keys of the console's local history in this origin's IndexedDB. */
const historyKeys = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('threadline-crypto');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('history').objectStore('history').getAllKeys();
          request.onsuccess = () => resolve(request.result.map(String));
          request.onerror = () => reject(request.error);
        };
      }),
  );

test('a console closed when a conversation ended deletes it on opening, by its own clock, though the relay still lists it', async ({ browser }) => {
  const canary = `ends-in-a-day-${randomUUID()}`;
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const dialog = chat(visitor).getByRole('dialog', { name: 'Chat with Northwind Outfitters' });
  await dialog.getByLabel('Keep this conversation for').selectOption({ label: '24 hours' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill(canary);
  await dialog.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(dialog.getByRole('log').getByRole('listitem').filter({ hasText: canary })).not.toContainText('Sending…');

  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  await signIn(agent);
  const list = agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button');
  await list.first().click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(canary)).toBeVisible();
  const { token } = JSON.parse((await agent.evaluate(() => sessionStorage.getItem('threadline-agent')))!) as { token: string };
  const listing = async (page: Page) =>
    ((await (await page.request.get('/v1/agent/conversations', { headers: { authorization: `Bearer ${token}` } })).json()) as { conversations: { id: string; visitor: { id: string } | null; expiresAt: number }[] }).conversations;
  // The newest 24-hour conversation is the visitor's; the console labels it by its device id.
  const conversation = (await listing(agent)).find((c) => c.visitor && c.expiresAt < Date.now() + 25 * HOUR)!;
  const button = (page: Page) => page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`^Visitor ${conversation.visitor!.id.slice(0, 6)}`) });
  await expect(button(agent)).toHaveCount(1);
  expect((await historyKeys(agent)).some((key) => key.includes(`|${conversation.id}|`))).toBe(true);
  await agent.close();

  // A day and more later by the agent device's clock; the relay's clock has not moved, so it keeps
  // the conversation and lists it, as a relay that stretched its life would.
  await moveClock(agentContext, 25 * HOUR);
  const back = await agentContext.newPage();
  await signIn(back);
  await expect.poll(async () => (await historyKeys(back)).filter((key) => key.includes(`|${conversation.id}|`))).toEqual([]);
  await expect(button(back)).toHaveCount(0);
  expect((await listing(back)).map((c) => c.id)).toContain(conversation.id);
  await expect(back.getByText(canary)).toHaveCount(0);
});

test('an agent’s socket ends with its session: the console asks to sign in again, then reconnects', async ({ browser }) => {
  const relay = await startOwnRelay(ownPort(48), { THREADLINE_TEST_CLOCK: '1' });
  try {
    const agent = await (await browser.newContext()).newPage();
    const signInThere = async () => {
      await agent.getByLabel('Email').fill('agent@demo.test');
      await agent.getByLabel('Password').fill(relay.password);
      await agent.getByRole('button', { name: 'Sign in' }).click();
      await expect(agent.getByRole('status').filter({ hasText: 'Online' })).toBeVisible();
    };
    await agent.goto(`${relay.base}/console/`);
    await signInThere();
    // Sessions last 12 hours on the relay's clock; the sweep then closes the socket with 4401.
    expect(await (await agent.request.post(`${relay.base}/test/clock`, { data: { advanceMs: 13 * HOUR } })).json()).toMatchObject({ swept: 0 });
    await expect(agent.getByRole('alert')).toHaveText('Threadline: failed to stay connected: the session expired. Sign in again.');
    await expect(agent.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await signInThere();
    await expect(agent.getByRole('alert')).toHaveCount(0);
  } finally {
    expect(await relay.stop()).toBe(0);
  }
});
