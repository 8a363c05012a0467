import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signing between us and the carrier (and the SMS/e-mail provider). Both sides import
 * this file, so the client and the simulator can never disagree on the scheme.
 *
 * `X-Signature` = lowercase hex HMAC-SHA256(secret, `${X-Timestamp}.${rawBody}`). The timestamp
 * is inside the MAC so that a captured request cannot be replayed with a fresh timestamp.
 */

export const TIMESTAMP_HEADER = 'x-timestamp';
export const SIGNATURE_HEADER = 'x-signature';

/** How far a request's timestamp may stray from the receiver's clock, either way. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
/** Digits only, at most 15 of them: a ms timestamp stays far below 2^53, so parsing is exact. */
const TIMESTAMP_PATTERN = /^\d{1,15}$/;

export type SignatureRejection = 'BAD_SIGNATURE' | 'STALE_REQUEST';

export type SignatureCheck = { ok: true } | { ok: false; code: SignatureRejection; message: string };

export function signBody(secret: string, timestampMs: number, rawBody: string): string {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new Error(`signBody: timestamp must be a non-negative integer of ms, got ${timestampMs}`);
  }
  return createHmac('sha256', secret).update(`${timestampMs}.${rawBody}`, 'utf8').digest('hex');
}

export function verifySignature(input: {
  secret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: string;
  nowMs: number;
}): SignatureCheck {
  const { timestampHeader, signatureHeader } = input;
  if (timestampHeader === undefined || !TIMESTAMP_PATTERN.test(timestampHeader)) {
    return { ok: false, code: 'STALE_REQUEST', message: 'X-Timestamp must be the request time in ms since epoch' };
  }
  const timestampMs = Number(timestampHeader);
  if (Math.abs(input.nowMs - timestampMs) > REPLAY_WINDOW_MS) {
    return { ok: false, code: 'STALE_REQUEST', message: 'X-Timestamp is outside the replay window' };
  }
  if (signatureHeader === undefined || !SIGNATURE_PATTERN.test(signatureHeader)) {
    return { ok: false, code: 'BAD_SIGNATURE', message: 'X-Signature must be 64 lowercase hex digits' };
  }
  const expected = Buffer.from(signBody(input.secret, timestampMs, input.rawBody), 'hex');
  const given = Buffer.from(signatureHeader, 'hex');
  // Constant time, so that the answer's timing does not reveal how many leading bytes matched.
  if (!timingSafeEqual(expected, given)) {
    return { ok: false, code: 'BAD_SIGNATURE', message: 'X-Signature does not match the body' };
  }
  return { ok: true };
}

/** The headers a signed request carries, for a body sent exactly as `rawBody`. */
export function signedHeaders(secret: string, timestampMs: number, rawBody: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(timestampMs),
    [SIGNATURE_HEADER]: signBody(secret, timestampMs, rawBody),
  };
}
