/**
 * Decrypting and showing a 1,000-message history, in real Chromium against the built widget and a
 * real relay: a visitor writes 1,000 messages, reloads, and the panel reopens with its history.
 * Reports the longest main-thread task while the history loads (budget ≤ 50 ms) and the time until
 * all 1,000 messages show, next to the same page's longest task without the widget (baseline).
 */
import { chromium, type Page } from '@playwright/test';
import { launchOptions } from '../chromium.ts';
import { report, startDemo } from './demo.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const demo = await startDemo(8799);
const { base } = demo;

try {
  const browser = await chromium.launch(launchOptions);
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const long: number[] = [];
    (window as unknown as { __long: number[] }).__long = long;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();

  // Baseline: the shop with the widget's script tag removed.
  await page.route(`${base}/widget/threadline.js`, (route) => route.fulfill({ body: '', contentType: 'text/javascript' }));
  await page.goto(base);
  await page.waitForTimeout(1000);
  const baseline = await longest(page);
  await page.unroute(`${base}/widget/threadline.js`);

  // A visitor writes 1,000 messages.
  await page.goto(base);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.waitFor();
  const started = Date.now();
  for (let i = 0; i < MESSAGES; i++) {
    await composer.fill(`Message ${i}: the quick brown fox jumps over the lazy dog.`);
    await composer.press('Enter');
  }
  const items = page.getByRole('log', { name: 'Messages' }).getByRole('listitem');
  await page.waitForFunction((n) => {
    const panel = document.querySelector('threadline-chat')?.shadowRoot?.querySelector('threadline-panel')?.shadowRoot;
    return panel?.querySelectorAll('li.message.sent').length === n;
  }, MESSAGES, { timeout: 300_000 });
  const sendSeconds = (Date.now() - started) / 1000;

  // Reload: the panel reopens and shows the history from the worker's encrypted store.
  const reloadStart = Date.now();
  await page.reload();
  await page.waitForFunction((n) => {
    const panel = document.querySelector('threadline-chat')?.shadowRoot?.querySelector('threadline-panel')?.shadowRoot;
    return panel?.querySelectorAll('li.message').length === n;
  }, MESSAGES, { timeout: 60_000 });
  const showMs = Date.now() - reloadStart;
  await page.waitForTimeout(500);
  const history = await longest(page);
  if ((await items.count()) !== MESSAGES) throw new Error('not every message was shown');

  console.log(`History of ${MESSAGES} messages in Chromium`);
  console.log(`  sent ${MESSAGES} messages through the UI in ${sendSeconds.toFixed(1)} s`);
  console.log(`  after reload, all shown in ${showMs} ms`);
  console.log(`  longest main-thread task: ${history.max.toFixed(0)} ms over ${history.count} long tasks (budget ≤ 50 ms); page without the widget: ${baseline.max.toFixed(0)} ms`);
  report('history', { messages: MESSAGES, sendSeconds, showMs, longestTaskMs: history.max, longTasks: history.count, baselineLongestTaskMs: baseline.max, budgetMs: 50 });
  await browser.close();
} finally {
  demo.stop();
}

async function longest(page: Page): Promise<{ max: number; count: number }> {
  const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  return { max: Math.max(0, ...long), count: long.length };
}
