/**
 * One load of one host-page variant in a fresh browser context (cold caches), measured the way the
 * host page would feel it: bytes, main-thread time (CDP Performance.getMetrics), long tasks, layout
 * shift, and the time from a click on the launcher to a visible, enabled composer.
 */
import type { Browser, Page } from '@playwright/test';
import { brotliCompressSync, constants } from 'node:zlib';
import { observe, readyAt, whenReady } from './host-page-probes.ts';
import { categories, mainThread } from './host-page-trace.ts';
import { page as html, type Variant } from './host-page-variants.ts';

export interface Run {
  /** Bytes of every response during load: as sent here (uncompressed) and brotli-compressed (quality 11). */
  rawBytes: number;
  brotliBytes: number;
  requests: number;
  /** Main-thread time in ms: JavaScript only (CDP ScriptDuration), and all tasks (script, style, layout, parsing; from a trace) until the network was quiet and until the load event. */
  scriptMs: number;
  taskMs: number;
  taskBeforeLoadMs: number;
  /** Tasks that ran JavaScript, whole (with the style and layout they forced); the longest of them. */
  scriptTasksMs: number;
  /** Their CPU time (thread time): steadier than wall time on a shared machine. */
  scriptTasksCpuMs: number;
  longestScriptTaskMs: number;
  /** Those tasks by the file of the first script each ran. */
  byScript: Record<string, number>;
  longTasks: number;
  /** Sum over long tasks of the time past 50 ms. */
  blockingMs: number;
  cls: number;
  /** From the launcher click to a visible, enabled composer; null where the variant has no launcher. */
  openMs: number | null;
  /** Brotli bytes fetched after the click. */
  openBrotliBytes: number;
}

/** Tracks requests and their bodies, and waits for the network to be quiet. */
function network(page: Page) {
  const state = { inflight: 0, last: Date.now(), phase: 'load' as 'load' | 'open', bodies: [] as Promise<{ phase: string; raw: number; br: number }>[] };
  page.on('request', () => {
    state.inflight++;
    state.last = Date.now();
  });
  const done = () => {
    state.inflight--;
    state.last = Date.now();
  };
  page.on('requestfailed', done);
  page.on('requestfinished', (request) => {
    done();
    const phase = state.phase;
    state.bodies.push(
      request.response().then(async (response) => {
        const body = (await response?.body().catch(() => null)) ?? Buffer.alloc(0);
        const br = body.length ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length : 0;
        return { phase, raw: body.length, br };
      }),
    );
  });
  return {
    set phase(phase: 'load' | 'open') {
      state.phase = phase;
    },
    async quiet(ms: number): Promise<void> {
      while (state.inflight > 0 || Date.now() - state.last < ms) await new Promise((r) => setTimeout(r, 50));
    },
    async bytes(phase: 'load' | 'open') {
      const all = (await Promise.all(state.bodies)).filter((b) => b.phase === phase);
      return { requests: all.length, raw: all.reduce((n, b) => n + b.raw, 0), br: all.reduce((n, b) => n + b.br, 0) };
    },
  };
}

export async function measure(browser: Browser, base: string, variant: Variant): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.route(`${base}/bench/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/bench/page.html') return route.fulfill({ contentType: 'text/html; charset=utf-8', body: html(variant).replaceAll('%FRAME_ORIGIN%', base.replace('127.0.0.1', 'localhost')) });
      const asset = variant.assets.get(path.replace('/bench/peers/', ''));
      return asset ? route.fulfill({ contentType: asset.type, body: asset.body }) : route.fulfill({ status: 404 });
    });
    await context.addInitScript(observe);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const net = network(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    // Nothing polls the page while it loads (Playwright's waits run on its main thread too): the load
    // is over when the network has been quiet for a second; then the widget must be on screen.
    await browser.startTracing(page, { categories });
    await page.goto(`${base}/bench/page.html`, { waitUntil: 'load' });
    await net.quiet(1000);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const tasks = mainThread(await browser.stopTracing());
    if ((variant.head || variant.body) && tasks.scriptTasksMs === 0) throw new Error(`${variant.name}: the trace shows no task that ran JavaScript`);
    const drawn = variant.launcher ?? variant.composer;
    if (drawn && !(await page.locator(drawn).isVisible())) throw new Error(`${variant.name}: ${drawn} is not visible after the page loaded`);
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    const seen = await page.evaluate(() => (window as unknown as { __hostCost: { longTasks: number[]; cls: number } }).__hostCost);
    const load = await net.bytes('load');

    let openMs: number | null = null;
    if (variant.launcher && variant.composer && variant.frame) {
      // The chat's frame was created while the page was idle; the composer appears in it.
      net.phase = 'open';
      const frame = (await (await page.locator(variant.frame).elementHandle())!.contentFrame())!;
      const ready = frame.evaluate(readyAt(variant.composer)) as Promise<number>;
      await page.locator(variant.launcher).click();
      const at = await ready;
      openMs = at - (await page.evaluate(() => performance.timeOrigin + (window as unknown as { __hostCost: { clickAt: number } }).__hostCost.clickAt));
      const composer = page.frameLocator(variant.frame).locator(variant.composer);
      await composer.fill('Is the jacket true to size?');
      if ((await composer.inputValue()) !== 'Is the jacket true to size?') throw new Error(`${variant.name}: the composer did not take the text`);
      await net.quiet(500);
    } else if (variant.launcher && variant.composer) {
      net.phase = 'open';
      const ready = page.evaluate(whenReady(variant.composer)) as Promise<number>;
      await page.locator(variant.launcher).click();
      openMs = await ready;
      // The figure only counts if a visitor can really type there.
      const composer = page.locator(variant.composer);
      await composer.fill('Is the jacket true to size?');
      const typed = await composer.evaluate((el) => (el as HTMLTextAreaElement).value ?? el.textContent);
      if (!typed?.includes('true to size')) throw new Error(`${variant.name}: the composer did not take the text (${typed})`);
      await net.quiet(500);
    }
    if (errors.length) throw new Error(`${variant.name}: page errors: ${errors.join('; ')}`);
    return {
      rawBytes: load.raw,
      brotliBytes: load.br,
      requests: load.requests,
      scriptMs: metric('ScriptDuration'),
      taskMs: tasks.totalMs,
      taskBeforeLoadMs: tasks.beforeLoadMs,
      scriptTasksMs: tasks.scriptTasksMs,
      scriptTasksCpuMs: tasks.scriptTasksCpuMs,
      longestScriptTaskMs: tasks.longestScriptTaskMs,
      byScript: tasks.byScript,
      longTasks: seen.longTasks.length,
      blockingMs: seen.longTasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
      cls: seen.cls,
      openMs,
      openBrotliBytes: (await net.bytes('open')).br,
    };
  } finally {
    await context.close();
  }
}
