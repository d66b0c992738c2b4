/**
 * Two console tabs on one agent device share its keys and ratchet sessions (one IndexedDB). The
 * first has a sending chain with the visitor when the second opens; then both reply at once: every message key — and so every AES-GCM key and nonce — must
 * be used once, which shows in the envelopes as one (recipient, session, ratchet key, counter) per
 * message; and the visitor reads every reply.
 */
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { chat, chatFrame, expect, signIn, test } from './helpers.ts';
import { scanMessages } from './hostile-trap.ts';

interface SentEnvelope {
  id: string;
  keys: { to: string; h: { s: string; dh: string; n: number } }[];
}

/** Records the envelopes a page sends to the relay. */
async function recordSends(page: Page, sent: SentEnvelope[]): Promise<void> {
  await page.routeWebSocket(/\/v1\/socket$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type: string; envelope?: SentEnvelope };
      if (frame.type === 'send' && frame.envelope) sent.push(frame.envelope);
      server.send(message);
    });
    server.onMessage((message) => ws.send(message));
  });
}

test('two console tabs replying at once never use a message key twice', async ({ browser }) => {
  test.setTimeout(120_000);
  const tag = randomUUID().slice(0, 8);
  const shop = await (await browser.newContext()).newPage();
  await shop.goto('/');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const composer = chat(shop).getByRole('textbox', { name: 'Message' });
  await composer.fill(`hello ${tag}`);
  await composer.press('Enter');

  // The first tab replies once, so the device has a sending chain with the visitor; then a second
  // tab opens on the same device, loading that chain.
  const agentBrowser = await browser.newContext();
  const sent: SentEnvelope[] = [];
  const tabs: Page[] = [];
  for (const first of [true, false]) {
    const tab = await agentBrowser.newPage();
    tabs.push(tab);
    await recordSends(tab, sent);
    await signIn(tab);
    await tab.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().click();
    const thread = tab.getByRole('log', { name: 'Messages' });
    await expect(thread.getByText(`hello ${tag}`)).toBeVisible();
    if (first) {
      await tab.getByRole('textbox', { name: 'Reply' }).fill(`first reply ${tag}`);
      await tab.getByRole('textbox', { name: 'Reply' }).press('Enter');
      await expect(thread.getByRole('listitem').filter({ hasText: `first reply ${tag}` })).not.toContainText('Sending…');
    }
  }

  // Both tabs send their replies at the same time, interleaved.
  const replies = (tab: number) => Array.from({ length: 4 }, (_, i) => `tab ${tab} reply ${i} ${tag}`);
  await Promise.all(
    tabs.map(async (tab, t) => {
      const box = tab.getByRole('textbox', { name: 'Reply' });
      for (const text of replies(t)) {
        await box.fill(text);
        await box.press('Enter');
      }
    }),
  );
  const all = [`first reply ${tag}`, ...replies(0), ...replies(1)];
  const theirs = async () => (await scanMessages(await chatFrame(shop))).bubbles.filter((b) => b.from === 'theirs' && b.status !== 'sending');
  await expect.poll(async () => (await theirs()).length, { timeout: 30_000 }).toBe(all.length);

  const uses = new Map<string, string[]>();
  for (const envelope of sent) {
    for (const key of envelope.keys) {
      const use = `${key.to} ${key.h.s} ${key.h.dh} ${key.h.n}`;
      uses.set(use, [...(uses.get(use) ?? []), envelope.id]);
    }
  }
  const reused = [...uses].filter(([, ids]) => new Set(ids).size > 1);
  expect(reused).toEqual([]);
  expect((await theirs()).map((b) => b.status)).toEqual(all.map(() => 'sent'));
  expect(new Set((await theirs()).map((b) => b.text))).toEqual(new Set(all));
});
