import { newNonce, SIGNATURE_HEADER, signedRequestHeaders, TIMESTAMP_HEADER, verifyAnswer } from './signing';

/**
 * One signed JSON POST to an outside party (carrier, message provider), reduced to what callers
 * must decide on: a verified answer with a status, an answer we cannot trust, or no answer at all.
 */

/** Largest answer read from an outside party; a longer one is treated as no answer. */
export const MAX_ANSWER_BYTES = 64 * 1024;

export interface SignedEndpoint {
  baseUrl: string;
  secret: string;
  timeoutMs: number;
  clock: () => number;
}

export type SignedPostOutcome =
  /** Signed by the party for this very request. `body` is the parsed JSON, or null when not JSON. */
  | { kind: 'answered'; status: number; body: unknown }
  /**
   * Something answered, but not provably the party, or not to this request: as good as no answer.
   * Callers must not read anything into it, a refusal included: the work may have been done.
   */
  | { kind: 'unverified'; status: number; reason: string }
  | { kind: 'no_answer'; reason: string };

export async function postSigned(endpoint: SignedEndpoint, path: string, payload: unknown): Promise<SignedPostOutcome> {
  return sendSigned(endpoint, 'POST', path, payload);
}

/** The same exchange for any method; a GET signs and sends an empty body. */
export async function sendSigned(endpoint: SignedEndpoint, method: 'GET' | 'POST', path: string, payload?: unknown): Promise<SignedPostOutcome> {
  const rawBody = method === 'GET' ? '' : JSON.stringify(payload);
  // Concatenated rather than resolved, so that a base URL with a path prefix keeps it.
  const url = new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}${path}`);
  // Signed as fetch will send it on the request line: the prefix included, percent-encoded.
  const request = { method, pathWithQuery: `${url.pathname}${url.search}`, nonce: newNonce() };
  // One signal for the whole exchange, so a carrier that sends headers and then stalls the body
  // still ends within timeoutMs.
  const signal = AbortSignal.timeout(endpoint.timeoutMs);
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: signedRequestHeaders(endpoint.secret, { ...request, timestampMs: endpoint.clock(), rawBody }),
      body: method === 'GET' ? undefined : rawBody,
      signal,
      redirect: 'error',
    });
    const text = await readBoundedText(response);
    if (text === undefined) return { kind: 'no_answer', reason: `answer over ${MAX_ANSWER_BYTES} bytes` };
    const check = verifyAnswer({
      secret: endpoint.secret,
      request,
      status: response.status,
      timestampHeader: response.headers.get(TIMESTAMP_HEADER),
      signatureHeader: response.headers.get(SIGNATURE_HEADER),
      rawBody: text,
      nowMs: endpoint.clock(),
    });
    if (!check.ok) return { kind: 'unverified', status: response.status, reason: `answered ${response.status}, not trusted: ${check.message}` };
    return { kind: 'answered', status: response.status, body: parseJsonOrNull(text) };
  } catch (error) {
    return { kind: 'no_answer', reason: describeFailure(error, endpoint.timeoutMs) };
  }
}

async function readBoundedText(response: Response): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  if (error instanceof Error) {
    // fetch reports network failures as "fetch failed" with the socket's error as the cause.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `connection failed (${error.message}${cause})`;
  }
  return 'connection failed';
}
