/**
 * The first end-to-end journey, in real Chromium against the built bundles and a relay on a fresh
 * SQLite file: a visitor on the demo shop talks to an agent in the console, and the relay's data
 * directory never holds what they wrote.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chat, expect, test } from './helpers.ts';

const dataDir = process.env.THREADLINE_E2E_DATA_DIR!;
const password = process.env.THREADLINE_E2E_PASSWORD!;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('a visitor and an agent talk end to end, and the relay stores no text', async ({ browser }) => {
  const fromVisitor = `visitor-canary-${randomUUID()}`;
  const fromAgent = `agent-canary-${randomUUID()}`;
  const errors: string[] = [];
  const started = Date.now();

  const visitor = await (await browser.newContext()).newPage();
  visitor.on('pageerror', (error) => errors.push(`visitor: ${error.message}`));
  await visitor.goto('/');
  const icon = visitor.locator('threadline-chat button.launcher path');
  await expect(icon).toBeVisible(); // the icon is drawn (SVG namespace)
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  await expect(icon).toBeVisible();
  const dialog = chat(visitor).getByRole('dialog', { name: 'Chat with Northwind Outfitters' });
  await expect(dialog).toBeVisible();
  const composer = dialog.getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();
  // The visitor chooses how long the conversation lives, before the first message.
  await dialog.getByLabel('Keep this conversation for').selectOption({ label: '7 days' });
  await composer.fill(`Hello! ${fromVisitor}`);
  await composer.press('Enter');
  const visitorLog = dialog.getByRole('log', { name: 'Messages' });
  const visitorMessage = visitorLog.getByRole('listitem').filter({ hasText: fromVisitor });
  await expect(visitorMessage).toBeVisible();
  await expect(visitorMessage).not.toContainText('Sending…');
  const inAWeek = await visitor.evaluate(() => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(Date.now() + 7 * 86_400_000));
  await expect(dialog.getByText(`deleted on ${inAWeek}`)).toBeVisible();
  await expect(dialog.getByLabel('Keep this conversation for')).toHaveCount(0);

  const agent = await (await browser.newContext()).newPage();
  agent.on('pageerror', (error) => errors.push(`agent: ${error.message}`));
  await agent.goto('/console/');
  await agent.getByLabel('Email').fill('agent@demo.test');
  await agent.getByLabel('Password').fill(password);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(`Hello! ${fromVisitor}`)).toBeVisible();
  await agent.getByRole('textbox', { name: 'Reply' }).fill(`Hi, happy to help. ${fromAgent}`);
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(agent.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: fromAgent })).not.toContainText('Sending…');

  // The reply arrives live, without a reload.
  await expect(visitorLog.getByText(`Hi, happy to help. ${fromAgent}`)).toBeVisible();

  // Message content is text, never markup, on both sides.
  const markup = '<img src=x onerror="window.__injected=1"><b>bold?</b>';
  await agent.getByRole('textbox', { name: 'Reply' }).fill(markup);
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(visitorLog.getByText(markup, { exact: true })).toBeVisible();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(markup, { exact: true })).toBeVisible();
  for (const page of [visitor, agent]) {
    expect(await page.evaluate(() => (window as { __injected?: number }).__injected)).toBeUndefined();
    await expect(page.locator('img, b')).toHaveCount(0);
  }
  await expect(dialog.locator('img, b')).toHaveCount(0);

  // After a reload the panel reopens with the whole history, decrypted again in this browser.
  await visitor.reload();
  const history = chat(visitor).getByRole('log', { name: 'Messages' });
  await expect(history.getByRole('listitem')).toHaveText(['today', new RegExp(fromVisitor), new RegExp(fromAgent), /bold\?/]); // the day's separator first

  // A new visitor in another browser does not see that conversation.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/');
  await stranger.getByRole('button', { name: 'Open chat' }).click();
  await expect(chat(stranger).getByRole('dialog')).toContainText('How can we help');
  await expect(chat(stranger).getByText(fromVisitor)).toHaveCount(0);

  // The relay stored both envelopes, and no byte of its data directory holds either text.
  const db = new Database(join(dataDir, 'threadline.sqlite'), { readonly: true });
  const conversation = db.prepare('SELECT id FROM conversations WHERE created_at >= ? AND visitor_device IS NOT NULL').pluck().all(started) as string[];
  expect(conversation).toHaveLength(1);
  const stored = db.prepare("SELECT json_extract(body, '$.from') AS sender FROM envelopes WHERE conversation_id = ? ORDER BY seq").all(conversation[0]) as { sender: string }[];
  db.close();
  expect(stored.map((row) => row.sender)).toEqual(['visitor', 'agent', 'agent']);
  const files = filesUnder(dataDir);
  expect(files.some((file) => file.endsWith('threadline.sqlite-wal') || file.endsWith('threadline.sqlite'))).toBe(true);
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const canary of [fromVisitor, fromAgent]) {
      expect(bytes.includes(canary), `${canary} found in ${file}`).toBe(false);
      expect(bytes.includes(Buffer.from(canary, 'utf16le')), `${canary} (UTF-16) found in ${file}`).toBe(false);
    }
  }
  expect(errors).toEqual([]);
});
