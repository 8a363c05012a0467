import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Next } from 'koa';

/** Bounds the work of reading index.html's inline scripts: Taro emits one small script. */
const MAX_INLINE_SCRIPTS = 16;
const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * The CSP hashes of the inline scripts in the H5 build's index.html. Taro writes a small inline
 * script there (the rem size of the page); allowing exactly that script by its hash keeps
 * `script-src` free of 'unsafe-inline', so an injected script still does not run.
 */
export function inlineScriptHashes(h5Dir: string | undefined): string[] {
  if (!h5Dir) return [];
  let html: string;
  try {
    html = readFileSync(join(h5Dir, 'index.html'), 'utf8');
  } catch {
    // No build yet: the service serves the API alone, and no page needs an inline script.
    return [];
  }
  return [...html.matchAll(INLINE_SCRIPT)]
    .slice(0, MAX_INLINE_SCRIPTS)
    .map((match) => match[1])
    .filter((script) => script.trim() !== '')
    .map((script) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`);
}

function contentSecurityPolicy(scriptHashes: string[]): string {
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    `script-src 'self'${scriptHashes.map((hash) => ` ${hash}`).join('')}`,
    "script-src-attr 'none'",
    // Taro's components and React set styles at run time; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // The API and socket.io (polling, then its WebSocket) on the page's own origin.
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Helmet's defaults, by hand, on every response the Koa app sends (pages, API answers and error
 * answers alike): no framing (clickjacking of the grab and gift buttons), no MIME sniffing, no
 * referrer carrying a share link's path to another site.
 */
export function securityHeaders(options: { scriptHashes: string[] }) {
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(options.scriptHashes),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  return async function setSecurityHeaders(ctx: Context, next: Next): Promise<void> {
    ctx.set(headers);
    await next();
  };
}
