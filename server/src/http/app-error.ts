import type { ErrorCode } from '@liuliang/shared';

/**
 * The one error type of the service: a stable code, an HTTP status and a message that is safe
 * to show a client. Anything thrown that is not an AppError renders as a bare 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'VALIDATION_FAILED', message, details);
export const unauthenticated = (message = 'Sign in first.') => new AppError(401, 'UNAUTHENTICATED', message);
export const forbidden = (code: ErrorCode, message: string) => new AppError(403, code, message);
export const notFound = (message = 'Not found.') => new AppError(404, 'NOT_FOUND', message);
export const conflict = (code: ErrorCode, message: string) => new AppError(409, code, message);
export const ruleBroken = (code: ErrorCode, message: string, details?: unknown) => new AppError(422, code, message, details);
export const rateLimited = (message: string) => new AppError(429, 'RATE_LIMITED', message);
