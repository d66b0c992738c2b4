/** The built browser apps the relay serves: the widget (to any origin) and the agents' console. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StaticMount } from './static.ts';

/**
 * The console talks to the relay that serves it and to nothing else: `connect-src 'self'` covers
 * its HTTP calls and its WebSocket (CSP Level 3 matches ws:/wss: to the page's own host).
 */
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src blob:; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const sibling = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The widget and console builds next to this package, when they exist (workspace checkout). */
export function defaultMounts(): StaticMount[] {
  const mounts: StaticMount[] = [];
  const widget = sibling('widget/dist');
  const console = sibling('console/dist');
  // The frame's files are served at /frame/ (with its own policy), never framed from here.
  if (existsSync(widget)) mounts.push({ prefix: '/widget/', dir: widget, crossOrigin: true, headers: { 'content-security-policy': "frame-ancestors 'none'" } });
  if (existsSync(console)) mounts.push({ prefix: '/console/', dir: console, headers: { 'content-security-policy': CONSOLE_CSP } });
  // Browsers ask for /favicon.ico on any page of the relay's origin; the console's icon answers (as SVG).
  if (existsSync(console)) mounts.push({ prefix: '/favicon.ico', dir: console, file: 'favicon.svg' });
  return mounts;
}

/** The chat frame's build, when it exists (served by the relay at /frame/). */
export function defaultFrameDir(): string | undefined {
  const frame = sibling('widget/dist/frame');
  return existsSync(frame) ? frame : undefined;
}
