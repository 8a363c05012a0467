import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestStack, type TestStack } from '../test-support/stack';

/** What Taro writes into index.html: one inline script, allowed by its hash and nothing else. */
const INLINE_SCRIPT = '!function(){document.documentElement.style.fontSize="20px"}()';
const EXPECTED_HASH = "'sha256-" + createHash('sha256').update(INLINE_SCRIPT).digest('base64') + "'";

describe('security headers', () => {
  let stack: TestStack;
  let h5Dir: string;

  beforeAll(async () => {
    h5Dir = mkdtempSync(join(tmpdir(), 'll-h5-'));
    writeFileSync(join(h5Dir, 'index.html'), `<!DOCTYPE html><html><head><script>${INLINE_SCRIPT}</script></head><body><div id="app"></div><script src="/js/app.js"></script></body></html>`);
    stack = await startTestStack({ H5_DIR: h5Dir });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(h5Dir, { recursive: true, force: true });
  });

  const responses: Array<[string, () => Promise<Response>, number]> = [
    ['the app at /', () => fetch(`${stack.url}/`), 200],
    ['an API route', () => fetch(`${stack.url}/api/v1/openapi.json`), 200],
    ['an API error (no token)', () => fetch(`${stack.url}/api/v1/wallet`), 401],
    ['an unknown route', () => fetch(`${stack.url}/api/v1/no-such-thing`), 404],
  ];

  it.each(responses)('forbids framing, sniffing and foreign scripts on %s', async (_name, request, status) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
  });

  it("allows exactly the build's own inline script by its hash, never 'unsafe-inline' scripts", async () => {
    const csp = (await fetch(`${stack.url}/`)).headers.get('content-security-policy') ?? '';
    const scriptSrc = csp.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('script-src '));
    expect(scriptSrc).toBe(`script-src 'self' ${EXPECTED_HASH}`);
  });
});
