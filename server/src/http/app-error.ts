import type { ErrorCode } from '@liuliang/shared';

/**
 * The one error type of the service: a stable code, an HTTP status and a message that is safe
 * to show a client. Anything thrown that is not an AppError renders as a bare 500.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** Sent as Retry-After: when a 429 or 503 may be tried again. */
  readonly retryAfterSeconds?: number;

  constructor(status: number, code: ErrorCode, message: string, details?: unknown, retryAfterSeconds?: number) {
    // A client error is an answer, not a fault: no stack trace to capture. In a grab storm
    // nearly every request ends in a 409, and capturing stacks was a visible share of its CPU.
    const stackTraceLimit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'VALIDATION_FAILED', message, details);
export const unauthenticated = (message = 'Sign in first.') => new AppError(401, 'UNAUTHENTICATED', message);
export const forbidden = (code: ErrorCode, message: string) => new AppError(403, code, message);
export const notFound = (message = 'Not found.') => new AppError(404, 'NOT_FOUND', message);
export const conflict = (code: ErrorCode, message: string) => new AppError(409, code, message);
export const ruleBroken = (code: ErrorCode, message: string, details?: unknown) => new AppError(422, code, message, details);
export const rateLimited = (message: string, retryAfterSeconds?: number) => new AppError(429, 'RATE_LIMITED', message, undefined, retryAfterSeconds);
