/**
 * Host-page cost in real Chromium: the same static page empty, with Threadline's script tag (served
 * by the real relay) and with peer chat widgets from npm, all offline on one origin. Each variant
 * loads in a fresh context; the runs are interleaved so the shared machine's noise spreads evenly,
 * and each figure is the median. Budget: ≤ 5 ms main-thread time added to the page's load.
 */
import { chromium } from '@playwright/test';
import { launchOptions } from '../chromium.ts';
import { report, startDemo } from './demo.ts';
import { measure, type Run } from './host-page-measure.ts';
import { variants } from './host-page-variants.ts';

const RUNS = Number(process.env.HOST_PAGE_RUNS ?? 7);
const BUDGET_MS = 5;
const PORT = Number(process.env.HOST_PAGE_PORT ?? 8821);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const demo = await startDemo(PORT);
try {
  const all = await variants();
  // Offline: every host name but the relay's (127.0.0.1, and localhost for the chat's frame) fails to resolve, so a peer's call home goes nowhere.
  const browser = await chromium.launch({ ...launchOptions, args: [...launchOptions.args, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'] });
  const runs = new Map<string, Run[]>(all.map((v) => [v.name, []]));
  // One warm-up load per variant (the browser process and the relay's file cache), not counted.
  for (const variant of all) await measure(browser, demo.base, variant);
  for (let i = 0; i < RUNS; i++) for (const variant of all) runs.get(variant.name)!.push(await measure(browser, demo.base, variant));
  await browser.close();

  type Figures = { [K in Exclude<keyof Run, 'byScript'>]: number | null } & { byScript: Record<string, number> };
  const figures = new Map<string, Figures>();
  for (const [name, list] of runs) {
    const keys = (Object.keys(list[0]!) as (keyof Run)[]).filter((k) => k !== 'byScript');
    const files = [...new Set(list.flatMap((r) => Object.keys(r.byScript)))];
    figures.set(name, {
      ...Object.fromEntries(keys.map((k) => [k, list[0]![k] === null ? null : median(list.map((r) => r[k] as number))])),
      byScript: Object.fromEntries(files.map((file) => [file, median(list.map((r) => r.byScript[file] ?? 0))])),
    } as Figures);
  }

  const kb = (n: number | null) => (n === null ? '—' : (n / 1024).toFixed(1));
  const ms = (n: number | null) => (n === null ? '—' : n.toFixed(1));
  const columns: [string, (f: Figures) => string][] = [
    ['KB br', (f) => kb(f.brotliBytes)],
    ['requests', (f) => String(f.requests)],
    ['JS tasks ms', (f) => ms(f.scriptTasksMs)],
    ['…CPU ms', (f) => ms(f.scriptTasksCpuMs)],
    ['longest', (f) => ms(f.longestScriptTaskMs)],
    ['script ms', (f) => ms(f.scriptMs)],
    ['all tasks', (f) => ms(f.taskMs)],
    ['long tasks', (f) => String(f.longTasks)],
    ['blocking ms', (f) => ms(f.blockingMs)],
    ['CLS', (f) => f.cls!.toFixed(3)],
    ['open ms', (f) => ms(f.openMs)],
    ['open KB br', (f) => (f.openMs === null ? '—' : kb(f.openBrotliBytes))],
  ];
  console.log(`Host-page cost in Chromium, median of ${RUNS} cold loads per variant (interleaved)`);
  console.log(`  ${'page'.padEnd(18)}${columns.map(([h]) => h.padStart(12)).join('')}`);
  for (const [name, f] of figures) console.log(`  ${name.padEnd(18)}${columns.map(([, cell]) => cell(f).padStart(12)).join('')}`);

  const empty = figures.get('empty')!;
  const over = (f: Figures) => ({
    brotliBytes: f.brotliBytes! - empty.brotliBytes!,
    scriptTasksMs: f.scriptTasksMs! - empty.scriptTasksMs!,
    scriptTasksCpuMs: f.scriptTasksCpuMs! - empty.scriptTasksCpuMs!,
    scriptMs: f.scriptMs! - empty.scriptMs!,
    taskMs: f.taskMs! - empty.taskMs!,
  });
  const added = over(figures.get('Threadline')!);
  const ours = figures.get('Threadline')!;
  const withinBudget = added.scriptTasksMs <= BUDGET_MS && added.scriptTasksCpuMs <= BUDGET_MS;
  console.log(`\n  Threadline − empty: +${kb(added.brotliBytes)} KB br; +${ms(added.scriptTasksMs)} ms in tasks that ran JavaScript, +${ms(added.scriptTasksCpuMs)} ms of it CPU time (budget ≤ ${BUDGET_MS} ms: ${withinBudget ? 'met' : 'MISSED'}); +${ms(added.scriptMs)} ms JavaScript alone; ${added.taskMs >= 0 ? '+' : ''}${ms(added.taskMs)} ms all main-thread tasks (noisy: the page's own load varies more than this)`);
  const ratios: Record<string, Record<string, number | null>> = {};
  for (const [name, f] of figures) {
    if (name === 'empty' || name === 'Threadline') continue;
    const peer = over(f);
    const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
    ratios[name] = {
      addedBytes: ratio(added.brotliBytes, peer.brotliBytes),
      addedScriptTasks: ratio(added.scriptTasksMs, peer.scriptTasksMs),
      addedScriptTasksCpu: ratio(added.scriptTasksCpuMs, peer.scriptTasksCpuMs),
      addedScript: ratio(added.scriptMs, peer.scriptMs),
      open: ours.openMs !== null && f.openMs !== null ? ratio(ours.openMs, f.openMs) : null,
    };
    const x = (r: number | null | undefined) => (r == null ? '—' : `${r.toFixed(2)}×`);
    const r = ratios[name]!;
    console.log(`  Threadline / ${name}: added bytes ${x(r.addedBytes)}, added JS tasks ${x(r.addedScriptTasks)} (CPU ${x(r.addedScriptTasksCpu)}), added JavaScript ${x(r.addedScript)}, click to composer ${x(r.open)}`);
  }
  const parts = Object.entries(ours.byScript).map(([file, t]) => `${file} ${ms(t)} ms`);
  console.log(`  Threadline's tasks that ran JavaScript, by the script they started in (medians): ${parts.join(', ')}`);
  for (const v of all) if (v.note) console.log(`  note, ${v.name}: ${v.note}`);
  report('hostPage', { runs: RUNS, budgetMs: BUDGET_MS, added, withinBudget, figures: Object.fromEntries(figures), ratios, samples: Object.fromEntries(runs) });
} finally {
  demo.stop();
}
