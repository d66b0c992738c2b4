/**
 * Encrypt and decrypt one 1 KB message in the crypto worker, in real Chromium, against raw AES-GCM
 * of the same bytes in the same page (budget ≤ 3×). Also shows what a bare round trip to the worker
 * costs, since every SDK call pays it.
 */
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { launchOptions } from '../chromium.ts';
import { report, startDemo } from './demo.ts';

const ROUNDS = 500;
const demo = await startDemo(8798);
try {
  const bundle = await build({ entryPoints: [new URL('./worker-page.ts', import.meta.url).pathname], bundle: true, format: 'esm', write: false, target: 'es2022', globalName: 'bench' });
  const browser = await chromium.launch(launchOptions);
  const page = await browser.newPage();
  // The page is served on the relay's origin so it may start the relay's crypto worker.
  await page.route(`${demo.base}/bench.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><script type="module">${bundle.outputFiles[0]!.text.replace(/export\s*\{[^}]*\};?\s*$/, '')};window.benchmark = benchmark;</script>` }),
  );
  await page.goto(`${demo.base}/bench.html`);
  const result = await page.evaluate(async (rounds) => (window as unknown as { benchmark(n: number): Promise<Record<string, number>> }).benchmark(rounds), ROUNDS);
  const line = (label: string, us: number) => console.log(`  ${label.padEnd(46)} ${us.toFixed(1).padStart(8)} µs/op`);
  console.log(`Crypto worker in Chromium, 1 KB messages, ${ROUNDS} rounds`);
  line('raw AES-256-GCM encrypt, page (baseline)', result.rawEncrypt!);
  line('raw AES-256-GCM decrypt, page (baseline)', result.rawDecrypt!);
  line('round trip to the worker (no work)', result.workerRoundTrip!);
  line('Threadline encrypt in the worker', result.encrypt!);
  line('Threadline decrypt in the worker', result.decrypt!);
  const ratios = { encrypt: result.encrypt! / result.rawEncrypt!, decrypt: result.decrypt! / result.rawDecrypt! };
  console.log(`  ratio: encrypt ${ratios.encrypt.toFixed(1)}×, decrypt ${ratios.decrypt.toFixed(1)}× (budget ≤ 3×)`);
  report('workerChromium', { ...result, ratios, rounds: ROUNDS, budget: 3 });
  await browser.close();
} finally {
  demo.stop();
}
