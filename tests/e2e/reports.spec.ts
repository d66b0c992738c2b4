/**
 * Reports computed in the console from decrypted data, against a data set this spec makes: one
 * customer answered, rated 4 of 5 and closed, another not answered yet. The page's table, its
 * figures and both CSV downloads agree with it and with each other; the charts are drawn; axe finds
 * nothing; the page's code loads only when it is opened.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Download, Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { chat, expect, signIn, test } from './helpers.ts';
import { listed, openConversationWith, visitorWrites } from './inbox-fixtures.ts';

/** Rows of a CSV this console wrote (no quoted line breaks in these cells). */
async function csvRows(download: Download): Promise<string[][]> {
  const text = await readFile((await download.path())!, 'utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map(([, cell]) => (cell!.startsWith('"') ? cell!.slice(1, -1).replace(/""/g, '"') : cell!)));
}

const downloadOf = async (page: Page, button: string) => {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  return download;
};

test('reports match a seeded data set, on screen and in the CSV exports', async ({ browser }) => {
  test.setTimeout(150_000);
  const [answered, waiting] = [`report-answered-${randomUUID()}`, `report-waiting-${randomUUID()}`];
  const comment = `quick and kind ${randomUUID().slice(0, 8)}`;
  // The agent signs in first: signing in derives a key from the password, the slowest step on a busy machine.
  const agent = await (await browser.newContext()).newPage();
  const scripts: string[] = [];
  agent.on('request', (request) => void (request.resourceType() === 'script' && scripts.push(request.url())));
  await signIn(agent);
  const started = Date.now();
  const rater = await visitorWrites(browser, [answered]);
  await visitorWrites(browser, [waiting]);
  const waitingLabel = await openConversationWith(agent, waiting);
  const answeredLabel = await openConversationWith(agent, answered);
  await agent.getByRole('textbox', { name: 'Reply' }).fill('We are on it.');
  await agent.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(agent.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'We are on it.' })).not.toContainText('Sending…');

  await chat(rater).getByRole('button', { name: 'Rate this conversation' }).click();
  const rating = chat(rater).getByRole('form', { name: 'Rate this conversation' });
  await rating.getByRole('button', { name: '4 of 5' }).click();
  await rating.getByRole('textbox', { name: 'Comment (optional)' }).fill(comment);
  await rating.getByRole('button', { name: 'Send message' }).click();
  await expect(agent.getByRole('log', { name: 'Messages' }).getByText(`4/5 — ${comment}`)).toBeVisible();
  await agent.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(listed(agent, answeredLabel)).toHaveCount(0); // it left Open
  const elapsed = Math.ceil((Date.now() - started) / 1000) + 1;

  // The page and its chart library load when the agent opens Reports, not before.
  expect(scripts.filter((url) => /reports-/.test(url))).toEqual([]);
  await agent.getByRole('link', { name: 'Reports' }).click();
  await expect(agent.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  expect(scripts.filter((url) => /reports-/.test(url))).toHaveLength(1);

  const rows = agent.getByRole('table').last().getByRole('row');
  await expect(rows.filter({ hasText: answeredLabel })).toContainText(['Closed']);
  await expect(rows.filter({ hasText: answeredLabel }).getByRole('cell').last()).toHaveText('4/5');
  await expect(rows.filter({ hasText: answeredLabel }).getByRole('cell').nth(1)).toHaveText(/^\d+(s|m)/);
  await expect(rows.filter({ hasText: waitingLabel }).getByRole('cell')).toHaveText([/./, 'not yet', '—', 'Open', '—']);
  await expect(agent.getByRole('img', { name: /^Conversations started per day and channel, last 7 days$/ }).locator('canvas').first()).toBeVisible();
  await expect(agent.getByRole('img', { name: /^Ratings by number of stars: .*4 stars: [1-9]/ }).locator('canvas').first()).toBeVisible();

  // The conversations CSV: one row each, with what happened to them.
  const conversations = await csvRows(await downloadOf(agent, 'Download conversations (CSV)'));
  expect(conversations[0]).toEqual(['conversation', 'customer', 'started on', 'started at', 'first response (s)', 'resolution (s)', 'status', 'rating', 'rating comment']);
  const row = (label: string) => conversations.filter((r) => r[1] === label);
  expect(row(answeredLabel)).toHaveLength(1);
  const [, , on, at, firstResponse, resolution, status, score, said] = row(answeredLabel)[0]!;
  expect([on, status, score, said]).toEqual(['Web', 'Closed', '4', comment]);
  expect(Math.abs(Date.parse(at!) - started)).toBeLessThan(120_000);
  expect(Number(firstResponse)).toBeGreaterThanOrEqual(0);
  expect(Number(firstResponse)).toBeLessThanOrEqual(elapsed);
  expect(Number(resolution)).toBeGreaterThanOrEqual(Number(firstResponse));
  expect(Number(resolution)).toBeLessThanOrEqual(elapsed);
  expect(row(waitingLabel).map((r) => [r[2], r[4], r[5], r[6], r[7]])).toEqual([['Web', '', '', 'Open', '']]);

  // The daily counts CSV agrees with the conversations CSV, and with the figure on screen.
  const days = await csvRows(await downloadOf(agent, 'Download daily counts (CSV)'));
  expect(days[0]).toEqual(['day', 'Web', 'WhatsApp', 'Messenger', 'Instagram', 'total']);
  expect(days).toHaveLength(8);
  const total = days.slice(1).reduce((sum, day) => sum + Number(day[5]), 0);
  expect(total).toBe(conversations.length - 1);
  expect(Number(days.at(-1)![1])).toBeGreaterThanOrEqual(2);
  await expect(agent.locator('.figure').filter({ has: agent.getByRole('term').getByText('Conversations', { exact: true }) }).locator('strong')).toHaveText(String(total));

  for (const colorScheme of ['light', 'dark'] as const) {
    await agent.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page: agent }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), colorScheme).toEqual([]);
  }

  // A longer period: one row a day.
  await agent.getByLabel('Period').selectOption({ label: 'Last 30 days' });
  await agent.getByText('The numbers').click();
  await expect(agent.getByRole('table', { name: 'Conversations started per day and channel' }).locator('tbody tr')).toHaveCount(30);
});
