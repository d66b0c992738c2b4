// The size gate: prints every browser bundle's raw, gzip and brotli size and fails over budget.
// Budgets (brotli) are the product's promise; see DESIGN.md.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const KB = 1024;
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const budgets = [
  { name: 'loader (threadline.js)', files: ['widget/dist/threadline.js'], budget: 2 * KB },
  {
    // What a visitor downloads: every chunk, plus the largest language pack (only one is ever loaded).
    name: 'widget UI + 1 language',
    files: [
      ...readdirSync('widget/dist').filter((f) => f.endsWith('.js') && f !== 'threadline.js' && f !== 'crypto-worker.js').map((f) => `widget/dist/${f}`),
      ...largestLanguage(),
    ],
    budget: 20 * KB,
  },
  // 10.5 KB: the checks that make a hostile relay fail (authenticated sender, bound identity keys,
  // KDF minimum, directory expiry, approval codes) cost the worker 0.5 KB over its first 10 KB.
  { name: 'crypto worker', files: ['widget/dist/crypto-worker.js'], budget: 10.5 * KB },
];

function largestLanguage() {
  const dir = 'widget/dist/i18n';
  if (!existsSync(dir)) return [];
  const packs = readdirSync(dir).map((f) => `${dir}/${f}`);
  return packs.length ? [packs.reduce((a, b) => (brotli(readFileSync(a)) >= brotli(readFileSync(b)) ? a : b))] : [];
}

const kb = (n) => (n / KB).toFixed(2).padStart(7) + ' KB';

let failed = false;
console.log('bundle                          raw        gzip      brotli     budget');
for (const { name, files, budget } of budgets) {
  // Chunks are compressed one by one, as they travel.
  const sizes = files.map((file) => readFileSync(file)).map((b) => ({ raw: b.length, gzip: gzipSync(b, { level: 9 }).length, br: brotli(b) }));
  const sum = (key) => sizes.reduce((total, size) => total + size[key], 0);
  const over = sum('br') > budget;
  failed ||= over;
  console.log(`${name.padEnd(26)} ${kb(sum('raw'))} ${kb(sum('gzip'))} ${kb(sum('br'))} ${kb(budget)} ${over ? 'OVER BUDGET' : 'ok'}`);
}
if (failed) {
  console.error('Threadline: failed the size gate: a bundle is over its brotli budget. Shrink it, or justify a new budget in DESIGN.md.');
  process.exit(1);
}
