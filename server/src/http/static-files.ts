import { createReadStream, promises as fs } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Context, Next } from 'koa';
import { invalidInput } from '../platform/errors';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves the mini-program's H5 build at `/` beside the API, so a newcomer opens one address.
 * Only GET/HEAD of files inside `root`; anything under /api falls through to the API.
 */
export function serveStatic(root: string) {
  const base = resolve(root);
  return async function staticFiles(ctx: Context, next: Next): Promise<void> {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path.startsWith('/api/')) return next();
    const relative = ctx.path === '/' ? 'index.html' : decodePath(ctx.path).replace(/^\/+/, '');
    const file = normalize(join(base, relative));
    if (file !== base && !file.startsWith(base + sep)) return next();
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) {
      // Browsers ask for an icon on their own; the H5 build has none, and a 404 here is a red
      // error in every newcomer's console. "No icon" is the honest answer.
      if (ctx.path === '/favicon.ico') {
        ctx.status = 204;
        return;
      }
      return next();
    }
    ctx.type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.length = stat.size;
    ctx.set('Cache-Control', relative === 'index.html' ? 'no-cache' : 'public, max-age=3600');
    ctx.body = createReadStream(file);
  };
}

/** A malformed escape (`/%E0%A4%A`) is the client's mistake: a 400, not a URIError and a 500. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw invalidInput('The path is not valid percent-encoded UTF-8.');
  }
}
