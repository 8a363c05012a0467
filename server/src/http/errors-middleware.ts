import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { ErrorBody } from '@liuliang/shared';
import { AppError } from './app-error';
import { CarrierUnavailableError } from '../carrier/gateway';
import { isOutageError, OUTAGE_RETRY_AFTER_SECONDS } from '../platform/outages';

/**
 * The one place errors become responses (SPEC §4). Only AppErrors (and the body parser's own
 * client errors) say anything about themselves; everything else is a bare 500 and a log line.
 */
export function renderErrors(logger: Logger) {
  return async function errorsToJson(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError(404, 'NOT_FOUND', 'No such route.');
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'UNAVAILABLE') {
        // An outage is one cause for thousands of requests: no stack per request.
        logger.warn({ requestId: ctx.state.requestId, cause: describeCause(error) }, 'request refused: the database or Redis is unavailable');
      } else if (appError.status >= 500) {
        logger.error({ err: error, requestId: ctx.state.requestId }, 'request failed');
      }
      ctx.status = appError.status;
      if (appError.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(appError.retryAfterSeconds));
      const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
      if (appError.details !== undefined) body.error.details = appError.details;
      ctx.body = body;
    }
  };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // Nothing was done when MySQL or Redis was not there to do it with: the client may retry
  // (with the same Idempotency-Key, so that a write that did commit is answered, not repeated).
  if (isOutageError(error)) return new AppError(503, 'UNAVAILABLE', 'The service is briefly unavailable; nothing was done. Please try again shortly.', undefined, OUTAGE_RETRY_AFTER_SECONDS);
  if (error instanceof CarrierUnavailableError) return new AppError(503, 'CARRIER_UNAVAILABLE', 'The carrier is not answering. Please try again shortly.');
  const e = error as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') return new AppError(413, 'BODY_TOO_LARGE', 'The request body is too large.');
  if (status === 415) return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json.');
  if (status === 400 && e?.expose) return new AppError(400, 'VALIDATION_FAILED', 'The request body is not valid JSON.');
  return new AppError(500, 'INTERNAL', 'Something went wrong on our side. Please try again.');
}

/** The error's name and code, enough to tell MySQL from Redis in the log without a stack. */
function describeCause(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  return [e?.name, e?.code, e?.message].filter((part) => typeof part === 'string').join(': ');
}
