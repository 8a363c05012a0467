/** Stable error codes of the API (SPEC §4). Clients switch on these, never on messages. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'IDEMPOTENCY_KEY_MISSING',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_FLIGHT',
  'INSUFFICIENT_BALANCE',
  'LIMIT_EXCEEDED',
  'RATE_LIMITED',
  'CODE_INVALID',
  'CODE_EXPIRED',
  'CODE_TOO_MANY_TRIES',
  'SELF_GIFT',
  'PLAN_INSUFFICIENT',
  'CARRIER_UNAVAILABLE',
  'SOLD_OUT',
  'ALREADY_GRABBED',
  'EXPIRED',
  'WRONG_PASSPHRASE',
  'NOT_IN_ROOM',
  'CONTACT_NOT_BOUND',
  /** 503 with Retry-After: the database or Redis is down and nothing was done; try again. */
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
