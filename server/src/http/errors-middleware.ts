import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { ERROR_STATUS, type ErrorBody } from '@liuliang/shared';
import { DomainError } from '../platform/errors';
import { CarrierUnavailableError } from '../carrier/gateway';
import { isOutageError, OUTAGE_RETRY_AFTER_SECONDS } from '../platform/outages';

/**
 * The one place errors become responses (SPEC §4), and the one place a code becomes an HTTP
 * status (shared's ERROR_STATUS). Only DomainErrors (and the body parser's own client errors)
 * say anything about themselves; everything else is a bare 500 and a log line.
 */
export function renderErrors(logger: Logger) {
  return async function errorsToJson(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new DomainError('NOT_FOUND', 'No such route.');
      // The router's allowedMethods answers 405 (with Allow) but no body: every error is JSON.
      if (ctx.status === 405 && ctx.body === undefined) throw new DomainError('METHOD_NOT_ALLOWED', `This path does not take ${ctx.method}.`);
    } catch (error) {
      const domainError = toDomainError(error);
      const status = ERROR_STATUS[domainError.code];
      if (domainError.code === 'UNAVAILABLE') {
        // An outage is one cause for thousands of requests: no stack per request.
        logger.warn({ requestId: ctx.state.requestId, cause: describeCause(error) }, 'request refused: the database or Redis is unavailable');
      } else if (status >= 500) {
        logger.error({ err: error, requestId: ctx.state.requestId }, 'request failed');
      }
      ctx.status = status;
      if (domainError.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(domainError.retryAfterSeconds));
      const body: ErrorBody = { error: { code: domainError.code, message: domainError.message } };
      if (domainError.details !== undefined) body.error.details = domainError.details;
      ctx.body = body;
    }
  };
}

function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  // Nothing was done when MySQL or Redis was not there to do it with: the client may retry
  // (with the same Idempotency-Key, so that a write that did commit is answered, not repeated).
  if (isOutageError(error)) return new DomainError('UNAVAILABLE', 'The service is briefly unavailable; nothing was done. Please try again shortly.', undefined, OUTAGE_RETRY_AFTER_SECONDS);
  if (error instanceof CarrierUnavailableError) return new DomainError('CARRIER_UNAVAILABLE', 'The carrier is not answering. Please try again shortly.');
  const e = error as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') return new DomainError('BODY_TOO_LARGE', 'The request body is too large.');
  if (status === 415) return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json.');
  if (status === 400 && e?.expose) return new DomainError('VALIDATION_FAILED', 'The request body is not valid JSON.');
  return new DomainError('INTERNAL', 'Something went wrong on our side. Please try again.');
}

/** The error's name and code, enough to tell MySQL from Redis in the log without a stack. */
function describeCause(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  return [e?.name, e?.code, e?.message].filter((part) => typeof part === 'string').join(': ');
}
