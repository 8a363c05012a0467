/**
 * The client a real app is: every request that moves data carries an Idempotency-Key, and on
 * a network error, a 5xx or 409 IDEMPOTENCY_IN_FLIGHT it sends the SAME request with the SAME
 * key again, with backoff, to whichever service process is next (a load balancer's choice),
 * until it gets a definite answer or its budget runs out.
 */

export interface RetryPolicy {
  maxAttempts: number;
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** The whole budget of one logical request, first attempt to last answer. */
  deadlineMs: number;
  /** One attempt without an answer this long is a failed attempt. */
  attemptTimeoutMs: number;
}

/**
 * Long enough to outlast the 60 s in-flight lease of an idempotency record left behind by a
 * dead process (http/idempotency-stores.ts): a real app's user keeps tapping "retry" too.
 */
export const APP_RETRY_POLICY: RetryPolicy = { maxAttempts: 40, firstBackoffMs: 200, maxBackoffMs: 4_000, deadlineMs: 90_000, attemptTimeoutMs: 15_000 };

export interface Attempt {
  /** ms since the epoch, when the attempt was sent. */
  sentAt: number;
  target: number;
  /** 0 when no HTTP answer came. */
  status: number;
  errorCode: string;
  /** Transport failure: ECONNREFUSED (never reached a service) or a reset / timeout (it did). */
  transport: string;
  retryAfter: string | null;
  latencyMs: number;
}

export interface LogicalRequest {
  method: 'POST' | 'GET';
  path: string;
  token: string;
  key: string;
  body?: unknown;
}

export interface Outcome {
  attempts: Attempt[];
  /** The last answer, or null when none came. */
  status: number;
  body: any;
  /** true when the final answer was 2xx. */
  acknowledged: boolean;
  finishedAt: number;
}

export type Targets = () => readonly string[];

function backoffMs(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxBackoffMs, policy.firstBackoffMs * 1.6 ** (attempt - 1));
  // Jitter, so that a thousand clients do not retry in lock-step.
  return base * (0.75 + Math.random() * 0.5);
}

/** Worth sending again with the same key: the outcome is unknown or the service said "later". */
export function isRetriable(attempt: Attempt): boolean {
  if (attempt.status === 0) return true;
  if (attempt.status >= 500) return true;
  return attempt.status === 409 && attempt.errorCode === 'IDEMPOTENCY_IN_FLIGHT';
}

function transportCode(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'TIMEOUT';
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? String(error);
}

export async function sendOnce(base: string, request: LogicalRequest, timeoutMs: number): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { authorization: `Bearer ${request.token}`, 'idempotency-key': request.key };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: kept as text for the report.
  }
  return { status: response.status, body, headers: response.headers };
}

/** Sends one logical request until it has a definite answer; `firstTarget` spreads requests over the processes. */
export async function sendWithRetries(targets: Targets, firstTarget: number, request: LogicalRequest, policy: RetryPolicy = APP_RETRY_POLICY): Promise<Outcome> {
  const attempts: Attempt[] = [];
  const startedAt = Date.now();
  let last: { status: number; body: any } = { status: 0, body: null };
  for (let n = 1; n <= policy.maxAttempts; n++) {
    const urls = targets();
    const target = (firstTarget + n - 1) % urls.length;
    const attempt: Attempt = { sentAt: Date.now(), target, status: 0, errorCode: '', transport: '', retryAfter: null, latencyMs: 0 };
    attempts.push(attempt);
    try {
      const answer = await sendOnce(urls[target], request, policy.attemptTimeoutMs);
      attempt.status = answer.status;
      attempt.errorCode = typeof answer.body?.error?.code === 'string' ? answer.body.error.code : '';
      attempt.retryAfter = answer.headers.get('retry-after');
      last = answer;
    } catch (error) {
      attempt.transport = transportCode(error);
      last = { status: 0, body: null };
    }
    attempt.latencyMs = Date.now() - attempt.sentAt;
    if (!isRetriable(attempt)) break;
    const waitMs = backoffMs(policy, n);
    if (Date.now() + waitMs - startedAt > policy.deadlineMs) break;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  return { attempts, status: last.status, body: last.body, acknowledged: last.status >= 200 && last.status < 300, finishedAt: Date.now() };
}
