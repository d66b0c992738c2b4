/**
 * The host-page benchmark's variants: one static page, served empty, with Threadline's script tag,
 * and with peer chat widgets from npm. Each peer is bundled the way a site would ship it (esbuild,
 * minified, production React), together with everything it needs to render.
 */
import { build } from 'esbuild';

export interface Asset {
  type: string;
  body: Buffer;
}

export interface Variant {
  name: string;
  /** Markup added to the page's head and to the end of its body. */
  head: string;
  body: string;
  /** Files served beside the page under /bench/peers/. */
  assets: Map<string, Asset>;
  /** The button that opens the chat (a Playwright selector; CSS pierces open shadow roots). */
  launcher?: string;
  /** The text field a visitor types into (CSS, looked up through open shadow roots). */
  composer?: string;
  /** The iframe the composer is in, when the chat runs in a frame (CSS, through open shadow roots). */
  frame?: string;
  /** What the figures of this variant do not cover. */
  note?: string;
}

/** The same page for every variant: a small shop front with its own styles. */
export function page(variant: Variant): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Northwind Outfitters — outdoor gear</title>
  <style>
    body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1d2327; }
    header, main { padding: 1rem 2rem; } header { background: #f3f5f7; }
    .products { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; list-style: none; padding: 0; }
    .products li { border: 1px solid #d7dce0; border-radius: 8px; padding: 1rem; }
  </style>
  ${variant.head}
</head>
<body>
  <header><strong>Northwind Outfitters</strong></header>
  <main>
    <h1>Gear for the long way round</h1>
    <p>Questions about sizing, delivery or returns? Use the chat button in the corner.</p>
    <ul class="products">
      <li><h2>Trail Shell Jacket</h2><p>Waterproof, 380 g.</p><p>€189</p></li>
      <li><h2>Ridge 45 L Pack</h2><p>Adjustable back, rain cover.</p><p>€149</p></li>
      <li><h2>Merino Base Layer</h2><p>Odour-resistant, 200 g/m².</p><p>€69</p></li>
    </ul>
  </main>
  ${variant.body}
</body>
</html>`;
}

/** Bundles one peer entry (tests/bench/host-page-peers/NAME.js) into NAME.js and, if it imports CSS, NAME.css. */
async function bundle(name: string, format: 'iife' | 'esm'): Promise<Map<string, Asset>> {
  const result = await build({
    entryPoints: [new URL(`./host-page-peers/${name}.js`, import.meta.url).pathname],
    bundle: true,
    minify: true,
    format,
    target: 'es2020',
    write: false,
    outdir: '/peers',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    logLevel: 'error',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    assets.set(base, { type: base.endsWith('.css') ? 'text/css' : 'text/javascript', body: Buffer.from(file.contents) });
  }
  return assets;
}

export async function variants(): Promise<Variant[]> {
  const reactChatWidget = await bundle('react-chat-widget', 'iife');
  const papercups = await bundle('papercups', 'iife');
  const deepChat = await bundle('deep-chat', 'esm');
  return [
    { name: 'empty', head: '', body: '', assets: new Map() },
    {
      name: 'Threadline',
      // The frame on another site than the page, as on a real business's website (%FRAME_ORIGIN%: the relay as localhost).
      head: '<script async src="/widget/threadline.js" data-site="demo" data-frame-origin="%FRAME_ORIGIN%"></script>',
      body: '',
      assets: new Map(),
      launcher: 'threadline-chat button.launcher',
      frame: 'threadline-chat iframe',
      composer: 'textarea#composer',
    },
    {
      name: 'react-chat-widget',
      head: '<link rel="stylesheet" href="/bench/peers/react-chat-widget.css">',
      body: '<script defer src="/bench/peers/react-chat-widget.js"></script>',
      assets: reactChatWidget,
      launcher: 'button.rcw-launcher',
      composer: '.rcw-input',
    },
    {
      name: 'papercups',
      head: '',
      body: '<script defer src="/bench/peers/papercups.js"></script>',
      assets: papercups,
      note: 'its launcher waits for its chat iframe from Papercups\' servers, so offline it draws nothing: the figures are its bundle\'s cost alone, without the iframe',
    },
    {
      name: 'deep-chat',
      head: '',
      body: '<script type="module" src="/bench/peers/deep-chat.js"></script>',
      assets: deepChat,
      composer: '#text-input',
      note: 'an inline chat with no launcher (its composer is on the page from the start); it also asks Google Fonts for Inter, which offline fails and is not counted',
    },
  ];
}
