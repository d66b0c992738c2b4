/** Serves built files (widget, console, a site) from a directory, refusing paths outside it. */
import type { ServerResponse } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { HttpError, SECURITY_HEADERS, voice } from './responses.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
};

export interface StaticMount {
  /** URL prefix ending in `/`, e.g. `/widget/`. */
  prefix: string;
  dir: string;
  /** Extra headers, e.g. a Content-Security-Policy for the console. */
  headers?: Record<string, string>;
  /** Whether other origins may load these files (the widget's scripts). */
  crossOrigin?: boolean;
  /** Serve this one file of `dir`, at exactly `prefix` (then a path, like `/favicon.ico`). */
  file?: string;
}

/** The file's stats, or undefined when there is none — or its name is one the system refuses (too long, say). */
function stat(file: string) {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Answers the request from the mount and returns true, or returns false when nothing matches. */
export function serveStatic(mount: StaticMount, pathname: string, res: ServerResponse): boolean {
  if (mount.file ? pathname !== mount.prefix : !pathname.startsWith(mount.prefix)) return false;
  let relative: string;
  try {
    relative = mount.file ?? decodeURIComponent(pathname.slice(mount.prefix.length));
  } catch {
    return false;
  }
  // A NUL byte cannot name a file (the file system API throws on it): the request is malformed.
  if (relative.includes('\0')) throw new HttpError(400, 'bad_frame', voice('find the file', 'its path contains a NUL byte', 'Check the address.'));
  const root = normalize(mount.dir + sep);
  let file = normalize(join(root, relative));
  if (!file.startsWith(root)) return false;
  let stats = stat(file);
  if (stats?.isDirectory()) {
    file = join(file, 'index.html');
    stats = stat(file);
  }
  if (!stats?.isFile()) return false;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    ...(mount.crossOrigin ? { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' } : {}),
    'cache-control': 'no-cache',
    ...mount.headers,
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': stats.size,
  });
  createReadStream(file).pipe(res);
  return true;
}
