import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { ErrorBody } from '@liuliang/shared';
import { AppError } from './app-error';
import { CarrierUnavailableError } from '../carrier/gateway';

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
      if (appError.status >= 500) {
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
  if (error instanceof CarrierUnavailableError) return new AppError(503, 'CARRIER_UNAVAILABLE', 'The carrier is not answering. Please try again shortly.');
  const e = error as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') return new AppError(413, 'BODY_TOO_LARGE', 'The request body is too large.');
  if (status === 415) return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json.');
  if (status === 400 && e?.expose) return new AppError(400, 'VALIDATION_FAILED', 'The request body is not valid JSON.');
  return new AppError(500, 'INTERNAL', 'Something went wrong on our side. Please try again.');
}
