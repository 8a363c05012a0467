import { ERROR_CODES, type ErrorCode } from '@liuliang/shared';

/**
 * What went wrong in a call to the service: one of the API's stable codes (SPEC §4), or one of
 * two the bot itself observes: the service could not be reached, or it answered something that
 * does not match the contract.
 */
export type ServiceErrorCode = ErrorCode | 'SERVICE_UNREACHABLE' | 'BAD_RESPONSE';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly code: ServiceErrorCode,
    /** The HTTP status, or 0 when there was no answer. */
    readonly status: number,
    message: string,
    /** The structure the service sent with the code (for LIMIT_EXCEEDED: {rule, limit}). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

export function hasCode(error: unknown, ...codes: readonly ServiceErrorCode[]): error is ServiceError {
  return error instanceof ServiceError && codes.includes(error.code);
}
