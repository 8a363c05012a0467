import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { HttpClient } from '../../server/src/test-support/http-client';

/** Debian's chromium (apt), never a browser downloaded by Playwright. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone-sized screen, so screenshots look like the mini-program and stay small. */
export const PHONE_VIEWPORT = { width: 390, height: 844 };
/** Long enough for a cold page chunk and a live event on a busy 2-core CI machine; still bounded. */
export const UI_TIMEOUT_MS = 20_000;
/** Bounds the wait for an SMS code to reach the dev outbox. */
const OUTBOX_POLL_ATTEMPTS = 40;
const OUTBOX_POLL_INTERVAL_MS = 250;

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No chromium at ${CHROMIUM_PATH}: install Debian's with \`apt-get install chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * One person's phone: a browser context of its own (own localStorage, so its own session),
 * with what the test checks afterwards recorded.
 */
export interface Phone {
  name: string;
  page: Page;
  /** Uncaught errors in the page: a test fails on any. */
  pageErrors: string[];
  /** What socket.io brought the page: every WebSocket frame, and every long-polling answer before the upgrade. */
  socketFrames: string[];
}

export async function openPhone(browser: Browser, name: string): Promise<Phone> {
  const context = await browser.newContext({ viewport: PHONE_VIEWPORT, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
  // A script or a connection the service's Content-Security-Policy blocks fails only as a console error.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) pageErrors.push(`${name}: ${message.text()}`);
  });
  const socketFrames: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => socketFrames.push(String(payload))));
  page.on('response', (response) => {
    if (!response.url().includes('/socket.io/?') || response.request().method() !== 'GET') return;
    response.text().then((text) => socketFrames.push(text), () => undefined);
  });
  return { name, page, pageErrors, socketFrames };
}

/**
 * Taro's H5 router keeps the pages below the current one in the DOM, hidden; only the page on
 * screen counts.
 */
export function onScreen(page: Page, testId: string): Locator {
  return page.getByTestId(testId).filter({ visible: true });
}

/**
 * Waits for `testId` on screen. If the page shows its error message instead, fails at once with
 * that message, rather than after the timeout with no clue.
 */
export async function waitOnScreen(page: Page, testId: string, timeoutMs = UI_TIMEOUT_MS): Promise<Locator> {
  const wanted = onScreen(page, testId);
  const failure = onScreen(page, 'error-message');
  try {
    await wanted.or(failure).first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    throw new Error(`[data-testid=${testId}] did not appear within ${timeoutMs} ms on ${page.url()}: ${(error as Error).message}`, { cause: error });
  }
  if (!(await wanted.first().isVisible()) && (await failure.first().isVisible())) {
    throw new Error(`waiting for [data-testid=${testId}], the page showed the error: ${await failure.first().innerText()}`);
  }
  return wanted.first();
}

/** The latest sign-in code sent to `phone`, read from the dev outbox over HTTP as a developer would. */
async function readSmsCode(client: HttpClient, phone: string): Promise<string> {
  for (let attempt = 0; attempt < OUTBOX_POLL_ATTEMPTS; attempt++) {
    const outbox = await client.get<{ items: Array<{ channel: string; text: string }> }>(`/api/v1/dev/outbox?to=${phone}`);
    if (outbox.status !== 200) throw new Error(`dev outbox answered ${outbox.status}: ${JSON.stringify(outbox.body)}`);
    const code = outbox.body.items.filter((item) => item.channel === 'sms').map((item) => /\b(\d{6})\b/.exec(item.text)?.[1])[0];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, OUTBOX_POLL_INTERVAL_MS));
  }
  throw new Error(`no sign-in code reached the dev outbox for ${phone}`);
}

/** Signs in on the sign-in page on screen: phone, send code, the code from the outbox, log in. */
export async function signInThroughUi(page: Page, client: HttpClient, phone: string): Promise<void> {
  await (await waitOnScreen(page, 'phone-input')).fill(phone);
  await onScreen(page, 'send-code-button').click();
  await waitOnScreen(page, 'code-sent');
  await onScreen(page, 'code-input').fill(await readSmsCode(client, phone));
  // 《用户协议》《隐私政策》: agreed to before every sign-in.
  if ((await onScreen(page, 'consent-box').getAttribute('data-checked')) !== 'true') await onScreen(page, 'consent-box').click();
  await onScreen(page, 'login-button').click();
  await page.waitForURL((url) => !url.hash.startsWith('#/pages/login/'));
}

/** The session token the app keeps (Taro's H5 storage wraps each value as `{"data": …}`). */
export async function sessionTokenOf(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('liuliang.token'));
  const token: unknown = stored ? (JSON.parse(stored) as { data?: unknown }).data : undefined;
  if (typeof token !== 'string' || token === '') throw new Error('no session token in this browser');
  return token;
}

/** Polling step of `eventually`: short, since every wait is bounded by UI_TIMEOUT_MS anyway. */
const POLL_INTERVAL_MS = 100;

/**
 * Reads `read()` until `accept` holds (playwright-core has no web-first assertions of its own),
 * and returns the accepted value; fails after `timeoutMs` with the last value seen.
 */
export async function eventually<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = UI_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Waits until the element on screen reads exactly `expected`. */
export function untilText(page: Page, testId: string, expected: string): Promise<string> {
  const element = onScreen(page, testId).first();
  return eventually(`[data-testid=${testId}] text`, () => element.innerText({ timeout: UI_TIMEOUT_MS }).then((text) => text.trim()), (text) => text === expected);
}

/** Waits until exactly `expected` elements with this id are on screen. */
export function untilCount(page: Page, testId: string, expected: number): Promise<number> {
  return eventually(`[data-testid=${testId}] count`, () => onScreen(page, testId).count(), (count) => count === expected);
}
