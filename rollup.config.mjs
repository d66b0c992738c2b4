// Builds every package's dist/. Type-checking is a separate step (`npm run typecheck`):
// TypeScript 7 has no JS API for a rollup plugin, so esbuild transpiles here.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const path = (p) => fileURLToPath(new URL(p, import.meta.url));

// Start from empty output folders, so no stale chunk is served or counted by the size gate.
for (const pkg of ['sdk', 'widget', 'console', 'server', 'demo-site']) rmSync(path(`${pkg}/dist`), { recursive: true, force: true });

/** Workspace imports resolve to source, so one build bundles them without a build order. */
const workspace = {
  name: 'threadline-workspace',
  resolveId(id) {
    const map = {
      '@threadline/sdk': 'sdk/src/index.ts',
      '@threadline/sdk/agent': 'sdk/src/agent.ts',
      '@threadline/sdk/protocol': 'sdk/src/protocol.ts',
      '@threadline/sdk/setup': 'sdk/src/setup.ts',
      '@threadline/sdk/qr': 'sdk/src/qr.ts',
      '@threadline/sdk/seal': 'sdk/src/seal.ts',
    };
    return map[id] ? path(map[id]) : null;
  },
};

/** Copies a folder of static files (HTML, CSS) into the output. */
const copy = (dir) => ({
  name: 'copy',
  generateBundle() {
    for (const fileName of readdirSync(path(dir))) {
      this.emitFile({ type: 'asset', fileName, source: readFileSync(path(`${dir}/${fileName}`)) });
    }
  },
});

/** The frame's HTML entry, naming its hashed script (the one file served `no-cache`). */
const frameDocument = {
  name: 'frame-document',
  generateBundle(_, bundle) {
    const entry = Object.values(bundle).find((file) => file.type === 'chunk' && file.isEntry);
    const source = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Chat</title><script type="module" src="${entry.fileName}"></script></head><body></body></html>\n`;
    this.emitFile({ type: 'asset', fileName: 'index.html', source });
  },
};

/** Collapses the whitespace of lit `css\`…\`` templates, which terser leaves as written. */
const minifyCss = {
  name: 'minify-lit-css',
  transform(code, id) {
    if (!id.includes('/widget/src/')) return null;
    return code.replace(/css`([^`]*)`/g, (_, body) =>
      `css\`${body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{}:;,>])\s*/g, '$1').replace(/;}/g, '}').trim()}\``,
    );
  },
};

/**
 * After minification, the only line breaks left are inside template literals: the indentation of
 * lit's html`…` markup. A newline with its indentation collapses to one space (HTML whitespace).
 */
const collapseIndentation = {
  name: 'collapse-template-indentation',
  renderChunk: (code) => ({ code: code.replace(/\n[ \t]{2,}/g, ' '), map: null }),
};

const browser = (extra = []) => [
  workspace,
  minifyCss,
  nodeResolve({ browser: true }),
  esbuild({ target: 'es2022', jsx: 'automatic', jsxImportSource: 'preact', tsconfig: path('tsconfig.json') }),
  ...extra,
];
const minify = terser({ module: true, ecma: 2022, compress: { passes: 2 }, format: { comments: false } });

const nodeExternal = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || ['ws', 'better-sqlite3', 'kysely', 'pg', 'pino', 'prom-client', '@threadline/server'].includes(id);
const node = [workspace, esbuild({ target: 'node20', tsconfig: path('tsconfig.json') })];

export default [
  // The host page: the script tag's loader (a tiny IIFE), and `<threadline-chat>` with the frame's protocol.
  {
    input: 'widget/src/loader.ts',
    output: { file: 'widget/dist/threadline.js', format: 'iife' },
    plugins: browser([terser({ ecma: 2020, compress: { passes: 2 } })]),
  },
  {
    input: { widget: 'widget/src/widget.ts' },
    // What few pages need (the note for a website the chat cannot run on) is a chunk of its own.
    output: { dir: 'widget/dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    plugins: browser([minify]),
  },
  // The chat's frame: a static document and content-hashed scripts (cached as immutable), the
  // panel and the SDK in a chunk loaded on first use, each language in its own chunk.
  {
    input: { frame: 'widget/src/frame.ts' },
    preserveEntrySignatures: false,
    output: {
      dir: 'widget/dist/frame',
      format: 'es',
      entryFileNames: '[name]-[hash].js',
      chunkFileNames: (chunk) => (chunk.facadeModuleId?.includes('/i18n/sheets/') ? 'i18n/sheets/[name]-[hash].js' : chunk.facadeModuleId?.includes('/i18n/') ? 'i18n/[name]-[hash].js' : '[name]-[hash].js'),
    },
    plugins: browser([minify, collapseIndentation, frameDocument]),
  },
  // The crypto worker, beside each bundle that starts it (same origin as the frame: no blob: needed).
  {
    input: { 'crypto-worker': 'sdk/src/crypto/worker.ts' },
    output: ['sdk/dist', 'widget/dist/frame'].map((dir) => ({ dir, format: 'es', entryFileNames: '[name].js' })),
    plugins: browser([minify]),
  },
  // The agents' crypto worker (the visitor's, with the console's own steps), beside the console and the SDK's agent client.
  {
    input: { 'agent-crypto-worker': 'sdk/src/crypto/agent-worker.ts' },
    output: ['sdk/dist', 'console/dist'].map((dir) => ({ dir, format: 'es', entryFileNames: '[name].js' })),
    plugins: browser([minify]),
  },
  // The SDK as a library: ESM, dependencies left to the app's bundler.
  {
    input: { index: 'sdk/src/index.ts', agent: 'sdk/src/agent.ts', protocol: 'sdk/src/protocol.ts', setup: 'sdk/src/setup.ts', qr: 'sdk/src/qr.ts', seal: 'sdk/src/seal.ts' },
    output: { dir: 'sdk/dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    external: ['@preact/signals-core', 'idb'],
    plugins: [workspace, esbuild({ target: 'es2022', tsconfig: path('tsconfig.json') })],
  },
  // The agents' console.
  {
    input: { app: 'console/src/main.tsx' },
    output: { dir: 'console/dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    plugins: browser([minify, copy('console/public')]),
  },
  // The relay and the demo's start script (Node).
  {
    input: { index: 'server/src/index.ts', main: 'server/src/main.ts' },
    output: { dir: 'server/dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    external: nodeExternal,
    plugins: node,
  },
  {
    input: { start: 'demo-site/src/start.ts' },
    output: { dir: 'demo-site/dist', format: 'es', entryFileNames: '[name].js' },
    external: nodeExternal,
    plugins: node,
  },
];
