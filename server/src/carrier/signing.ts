import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signing between us and the carrier (and the SMS/e-mail provider), both directions. Both sides
 * import this file, so the client and the simulator can never disagree on the scheme.
 *
 * A request carries `X-Timestamp` (ms), `X-Nonce` (128 random bits, hex) and `X-Signature` =
 * lowercase hex HMAC-SHA256(secret, "request\n" METHOD "\n" path?query "\n" timestamp "\n"
 * nonce "\n" body). Method and path are inside so that a signed body cannot be replayed at another
 * endpoint; the nonce lets the receiver accept each request once inside the window.
 *
 * An answer carries `X-Timestamp` and `X-Signature` = HMAC over "answer\n" METHOD "\n" path?query
 * "\n" request nonce "\n" status "\n" timestamp "\n" body. Naming the request's nonce binds the
 * answer to that one exchange: an answer captured earlier (a "not found", an "ok") never verifies
 * for another request, so the client needs no nonce store of its own. The leading "request" /
 * "answer" keeps one from ever passing for the other. Fields are joined by "\n", which none but
 * the last (the body) can contain, so the input reads back one way only.
 */

export const TIMESTAMP_HEADER = 'x-timestamp';
export const NONCE_HEADER = 'x-nonce';
export const SIGNATURE_HEADER = 'x-signature';

/** How far a timestamp may stray from the receiver's clock, either way. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

const NONCE_BYTES = 16;
const NONCE_PATTERN = /^[0-9a-f]{32}$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
/** Digits only, at most 15 of them: a ms timestamp stays far below 2^53, so parsing is exact. */
const TIMESTAMP_PATTERN = /^\d{1,15}$/;
const METHOD_PATTERN = /^[A-Z]{1,16}$/;

export type SignatureRejection = 'BAD_SIGNATURE' | 'STALE_REQUEST' | 'REPLAYED_REQUEST' | 'REPLAY_STORE_FULL';

export type SignatureCheck = { ok: true } | { ok: false; code: SignatureRejection; message: string };

/** Where a request went: what both sides sign besides the body. */
export interface RequestTarget {
  method: string;
  /** Path and query exactly as sent on the request line, e.g. `/plans/deduct` or `/records?date=…`. */
  pathWithQuery: string;
}

export interface SignedRequest extends RequestTarget {
  timestampMs: number;
  nonce: string;
  rawBody: string;
}

export interface SignedAnswer {
  request: RequestTarget & { nonce: string };
  status: number;
  timestampMs: number;
  rawBody: string;
}

export function isWellFormedNonce(value: string | undefined): value is string {
  return value !== undefined && NONCE_PATTERN.test(value);
}

export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('hex');
}

export function signRequest(secret: string, request: SignedRequest): string {
  assertTarget(request);
  return mac(secret, ['request', request.method, request.pathWithQuery, timestampField(request.timestampMs), request.nonce, request.rawBody]);
}

export function signAnswer(secret: string, answer: SignedAnswer): string {
  assertTarget(answer.request);
  if (!Number.isInteger(answer.status) || answer.status < 100 || answer.status > 599) throw new Error(`signAnswer: not an HTTP status: ${answer.status}`);
  const { method, pathWithQuery, nonce } = answer.request;
  return mac(secret, ['answer', method, pathWithQuery, nonce, String(answer.status), timestampField(answer.timestampMs), answer.rawBody]);
}

/** The headers a signed request carries, for a body sent exactly as `rawBody`. */
export function signedRequestHeaders(secret: string, request: SignedRequest): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(request.timestampMs),
    [NONCE_HEADER]: request.nonce,
    [SIGNATURE_HEADER]: signRequest(secret, request),
  };
}

export function signedAnswerHeaders(secret: string, answer: SignedAnswer): Record<string, string> {
  return { [TIMESTAMP_HEADER]: String(answer.timestampMs), [SIGNATURE_HEADER]: signAnswer(secret, answer) };
}

/**
 * Where a receiver remembers the nonces it accepted (NonceCache). Described here rather than
 * imported, so that the cache can use this file's window without the two importing each other.
 */
export interface NonceStore {
  remember(nonce: string, timestampMs: number, nowMs: number): 'fresh' | 'replayed' | 'full';
}

/**
 * Checks a request's signature and, only once it is genuine, records its nonce: forged requests
 * must not fill the store or burn nonces that a genuine request will use.
 */
export function verifyRequest(input: {
  secret: string;
  target: RequestTarget;
  timestampHeader: string | undefined;
  nonceHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: string;
  nowMs: number;
  seenNonces: NonceStore;
}): SignatureCheck {
  const timestamp = readTimestamp(input.timestampHeader, input.nowMs);
  if (!timestamp.ok) return timestamp;
  const { nonceHeader: nonce } = input;
  if (!isWellFormedNonce(nonce)) {
    return { ok: false, code: 'BAD_SIGNATURE', message: 'X-Nonce must be 32 lowercase hex digits' };
  }
  const expected = signRequest(input.secret, { ...input.target, timestampMs: timestamp.ms, nonce, rawBody: input.rawBody });
  if (!signatureMatches(expected, input.signatureHeader)) {
    return { ok: false, code: 'BAD_SIGNATURE', message: 'X-Signature does not match the method, path, timestamp, nonce and body' };
  }
  const verdict = input.seenNonces.remember(nonce, timestamp.ms, input.nowMs);
  if (verdict === 'replayed') return { ok: false, code: 'REPLAYED_REQUEST', message: 'this X-Nonce was already used' };
  if (verdict === 'full') return { ok: false, code: 'REPLAY_STORE_FULL', message: 'too many signed requests in the replay window' };
  return { ok: true };
}

export function verifyAnswer(input: {
  secret: string;
  request: RequestTarget & { nonce: string };
  status: number;
  timestampHeader: string | null | undefined;
  signatureHeader: string | null | undefined;
  rawBody: string;
  nowMs: number;
}): SignatureCheck {
  const timestamp = readTimestamp(input.timestampHeader ?? undefined, input.nowMs);
  if (!timestamp.ok) return timestamp;
  const expected = signAnswer(input.secret, { request: input.request, status: input.status, timestampMs: timestamp.ms, rawBody: input.rawBody });
  if (!signatureMatches(expected, input.signatureHeader ?? undefined)) {
    return { ok: false, code: 'BAD_SIGNATURE', message: 'the answer is unsigned or its signature does not match' };
  }
  return { ok: true };
}

function readTimestamp(header: string | undefined, nowMs: number): { ok: true; ms: number } | { ok: false; code: 'STALE_REQUEST'; message: string } {
  if (header === undefined || !TIMESTAMP_PATTERN.test(header)) {
    return { ok: false, code: 'STALE_REQUEST', message: 'X-Timestamp must be the time in ms since epoch' };
  }
  const ms = Number(header);
  if (Math.abs(nowMs - ms) > REPLAY_WINDOW_MS) return { ok: false, code: 'STALE_REQUEST', message: 'X-Timestamp is outside the replay window' };
  return { ok: true, ms };
}

function signatureMatches(expectedHex: string, givenHeader: string | undefined): boolean {
  if (givenHeader === undefined || !SIGNATURE_PATTERN.test(givenHeader)) return false;
  // Constant time, so that the answer's timing does not reveal how many leading bytes matched.
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHeader, 'hex'));
}

function mac(secret: string, fields: string[]): string {
  return createHmac('sha256', secret).update(fields.join('\n'), 'utf8').digest('hex');
}

function timestampField(timestampMs: number): string {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) throw new Error(`signing: timestamp must be a non-negative integer of ms, got ${timestampMs}`);
  return String(timestampMs);
}

function assertTarget(target: RequestTarget & { nonce?: string }): void {
  if (!METHOD_PATTERN.test(target.method)) throw new Error(`signing: not an HTTP method: ${target.method}`);
  // A newline would let one field pass for two; a request line can never hold one anyway.
  if (!target.pathWithQuery.startsWith('/') || /[\r\n]/.test(target.pathWithQuery)) {
    throw new Error(`signing: not a request path: ${JSON.stringify(target.pathWithQuery)}`);
  }
  if (target.nonce !== undefined && /[\r\n]/.test(target.nonce)) throw new Error('signing: a nonce cannot hold a newline');
}
