/**
 * Where Threadline's host-page main-thread time goes: loads the benchmark's page with the script tag
 * a few times under a trace and sums, per task that ran JavaScript (named by its first script), the
 * CPU time of what ran inside it (compile, evaluation, callbacks, style, layout, frame creation).
 * Run: `npx tsx tests/bench/host-page-breakdown.ts` (HOST_PAGE_PORT, HOST_PAGE_RUNS).
 */
import { chromium } from '@playwright/test';
import { launchOptions } from '../chromium.ts';
import { startDemo } from './demo.ts';
import { categories } from './host-page-trace.ts';
import { page as html, variants } from './host-page-variants.ts';

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: { data?: { isMainFrame?: boolean; url?: string } } }

const RUNS = Number(process.env.HOST_PAGE_RUNS ?? 5);
const demo = await startDemo(Number(process.env.HOST_PAGE_PORT ?? 8822));
try {
  const threadline = (await variants()).find((v) => v.name === 'Threadline')!;
  const browser = await chromium.launch({ ...launchOptions, args: [...launchOptions.args, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'] });
  const totals = new Map<string, number>();
  for (let run = 0; run <= RUNS; run++) {
    const context = await browser.newContext();
    await context.route(`${demo.base}/bench/**`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html(threadline).replaceAll('%FRAME_ORIGIN%', demo.base.replace('127.0.0.1', 'localhost')) }));
    const page = await context.newPage();
    await browser.startTracing(page, { categories: [...categories, 'blink', 'loading'] });
    const framed = page.waitForEvent('framenavigated', (frame) => frame.url().includes('/frame/'));
    await page.goto(`${demo.base}/bench/page.html`, { waitUntil: 'load' });
    // Until the frame has made the chat ready: the loader's and the element's idle work is all done.
    await (await framed).locator('textarea#composer').waitFor({ state: 'attached' });
    const parsed = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    await context.close();
    if (run === 0) continue; // warm-up
    const load = parsed.traceEvents.find((e) => e.name === 'MarkLoad' && e.args?.data?.isMainFrame)!;
    const thread = parsed.traceEvents.filter((e) => e.pid === load.pid && e.tid === load.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
    for (const task of thread.filter((e) => e.name === 'RunTask')) {
      const inside = thread.filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + (task.dur ?? 0));
      // Only the page's own scripts (Chromium's internal pages can share the renderer's thread).
      const script = inside.find((e) => e.args?.data?.url?.startsWith(demo.base));
      if (!script || !inside.some((e) => ['FunctionCall', 'EvaluateScript', 'v8.evaluateModule', 'FireIdleCallback', 'TimerFire', 'RunMicrotasks'].includes(e.name))) continue;
      const file = new URL(script.args!.data!.url!).pathname;
      const add = (key: string, ms: number) => totals.set(key, (totals.get(key) ?? 0) + ms / RUNS);
      add(`${file} (whole tasks)`, (task.tdur ?? task.dur ?? 0) / 1000);
      for (const e of inside) if (['v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'EvaluateScript', 'FunctionCall', 'FireIdleCallback', 'UpdateLayoutTree', 'Layout', 'ParseHTML', 'PrePaint', 'Paint', 'RunMicrotasks', 'HitTest'].includes(e.name)) add(`${file}  ${e.name}`, (e.tdur ?? e.dur ?? 0) / 1000);
    }
  }
  await browser.close();
  console.log(`Threadline's host-page tasks that ran JavaScript, mean CPU ms of ${RUNS} loads (nested events overlap):`);
  for (const [key, ms] of [...totals].sort()) console.log(`  ${ms.toFixed(2).padStart(6)}  ${key}`);
} finally {
  demo.stop();
}
