import type { ErrorBody, ErrorCode, LimitDetails } from '@liuliang/shared';

/**
 * The one error type of the service: a stable code and a message that is safe to show a
 * client, with structure for the client to word it by (`details`). It names no HTTP status:
 * the error middleware maps codes to statuses with shared's ERROR_STATUS, so the domain never
 * depends on the HTTP layer. Anything thrown that is not a DomainError renders as a bare 500.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** When a refusal (rate limit, outage) may be tried again: sent as Retry-After. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, details?: unknown, retryAfterSeconds?: number) {
    // A domain error is an answer, not a fault, and its code names the line that threw it: no
    // stack trace to capture. In a grab storm nearly every request ends in a 409, and capturing
    // stacks was a visible share of its CPU.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const invalidInput = (message: string, details?: unknown) => new DomainError('VALIDATION_FAILED', message, details);
export const unauthenticated = (message = 'Sign in first.') => new DomainError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const notFound = (message = 'Not found.') => new DomainError('NOT_FOUND', message);

/** A configured limit broken: `details` name the rule and the limit, for clients to word. */
export const limitExceeded = (details: LimitDetails, message: string) => new DomainError('LIMIT_EXCEEDED', message, details);

/** The JSON body a client gets for a DomainError (SPEC §4), as answered and as replayed. */
export function errorBodyOf(error: DomainError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  // The replay carries the details too: a client words a rule's refusal from them.
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}
