/**
 * What creating the chat's frame, and making the chat ready in it, while the page is idle (the
 * loader's choice) costs, against doing nothing until intent (a pointer over the launcher, a focus,
 * a click): the host page's main-thread time and heap (CDP Performance.getMetrics), and the memory
 * of the browser's renderer processes (the cross-site frame gets its own), each load in a fresh
 * context, the two ways taking turns. "On intent" is the same page with `widget.js` held back (the
 * element's code: the launcher and the frame), so it counts the loader alone.
 *
 *   npx tsx tests/bench/frame-idle.bench.ts   (after npm run build; FRAME_IDLE_RUNS, default 5)
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { launchOptions } from '../chromium.ts';
import { report, startDemo } from './demo.ts';

const RUNS = Number(process.env.FRAME_IDLE_RUNS ?? 5);
const PORT = Number(process.env.FRAME_IDLE_PORT ?? 8823);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

interface Sample {
  taskMs: number;
  scriptMs: number;
  heapKb: number;
  renderers: number;
  rendererRssMb: number;
}

async function load(browser: Browser, base: string, atIdle: boolean): Promise<Sample> {
  const context = await browser.newContext();
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  if (!atIdle) await context.route('**/widget/widget.js', async (route) => (await held, route.continue()));
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const framed = atIdle ? page.waitForEvent('framenavigated', (frame) => frame.url().includes('/frame/')) : Promise.resolve(undefined);
  const asked = atIdle ? Promise.resolve() : page.waitForRequest('**/widget/widget.js');
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const frame = await framed;
  // At idle: the frame has made the chat ready (its panel is rendered, hidden). On intent: the
  // loader has added the element and asked for its code, and nothing more happens until then.
  if (frame) await frame.locator('textarea#composer').waitFor({ state: 'attached' });
  else await asked;
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  const info = (await (await browser.newBrowserCDPSession()).send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  const renderers = info.processInfo.filter((p) => p.type === 'renderer');
  const sample = {
    taskMs: metric('TaskDuration') * 1000,
    scriptMs: metric('ScriptDuration') * 1000,
    heapKb: metric('JSHeapUsedSize') / 1024,
    renderers: renderers.length,
    rendererRssMb: renderers.reduce((sum, p) => sum + rssKb(p.id), 0) / 1024,
  };
  release();
  await context.close();
  return sample;
}

const demo = await startDemo(PORT);
try {
  const browser = await chromium.launch(launchOptions);
  const samples = { idle: [] as Sample[], intent: [] as Sample[] };
  await load(browser, demo.base, true); // warm-up, not counted
  for (let i = 0; i < RUNS; i++) {
    samples.idle.push(await load(browser, demo.base, true));
    samples.intent.push(await load(browser, demo.base, false));
  }
  await browser.close();
  const figures = Object.fromEntries(
    Object.entries(samples).map(([way, list]) => [way, Object.fromEntries((Object.keys(list[0]!) as (keyof Sample)[]).map((k) => [k, Math.round(median(list.map((s) => s[k])) * 10) / 10]))]),
  );
  console.log(`Creating the chat's frame at idle vs on intent (medians of ${RUNS} loads; host page's main thread and heap, all renderer processes):`);
  for (const [way, f] of Object.entries(figures)) console.log(`  ${way.padEnd(6)} ${JSON.stringify(f)}`);
  report('frameIdle', { runs: RUNS, figures, samples });
} finally {
  demo.stop();
}
