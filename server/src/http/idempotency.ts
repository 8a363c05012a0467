import { createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { DataSource } from 'typeorm';
import { AppError } from './app-error';
import type { Caller } from './auth';
import { isDuplicateKey } from '../db/sql';
import type { Clock } from '../platform/clock';

export const IDEMPOTENCY_KEY_MAX_CHARS = 255;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Stable JSON: the same body with keys in another order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function scopeOf(caller: Caller | undefined): string {
  if (!caller) return 'anonymous';
  return caller.kind === 'user' ? `user:${caller.user.id}` : 'bot';
}

/**
 * SPEC §4 idempotency for every request that moves data: the first response is stored and
 * replayed for the same key and body; another body is refused; a second request while the
 * first runs is refused. The key is claimed with an INSERT, so two processes cannot both win.
 */
export function idempotent(dataSource: DataSource, clock: Clock) {
  return async function replayOrRun(ctx: Context, next: Next): Promise<void> {
    const key = ctx.get('idempotency-key');
    if (!key) throw new AppError(400, 'IDEMPOTENCY_KEY_MISSING', 'Send an Idempotency-Key header with every request that moves data.');
    if (key.length > IDEMPOTENCY_KEY_MAX_CHARS) throw new AppError(400, 'VALIDATION_FAILED', `Idempotency-Key is longer than ${IDEMPOTENCY_KEY_MAX_CHARS} characters.`);
    const scope = scopeOf(ctx.state.caller as Caller | undefined);
    const keyHash = sha256(key);
    const requestHash = sha256(`${ctx.method} ${ctx.path} ${canonical(ctx.request.body ?? {})}`);
    const now = clock.now();

    try {
      await dataSource.query(
        `INSERT INTO idempotency_keys (scope, key_hash, request_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'in_flight', ?, ?)`,
        [scope, keyHash, requestHash, now, now],
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const [row] = await dataSource.query('SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE scope = ? AND key_hash = ?', [scope, keyHash]);
      if (!row) throw new AppError(409, 'IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still running.');
      if (row.request_hash !== requestHash) throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with another request.');
      if (row.status === 'in_flight') throw new AppError(409, 'IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still running.');
      ctx.status = row.response_status;
      ctx.body = JSON.parse(row.response_body);
      ctx.set('Idempotency-Replayed', 'true');
      return;
    }

    try {
      await next();
    } catch (error) {
      // A client error is an answer too, and is replayed; anything else frees the key for a retry.
      if (error instanceof AppError && error.status < 500) {
        await complete(dataSource, clock, scope, keyHash, error.status, { error: { code: error.code, message: error.message } });
      } else {
        await dataSource.query('DELETE FROM idempotency_keys WHERE scope = ? AND key_hash = ?', [scope, keyHash]);
      }
      throw error;
    }
    await complete(dataSource, clock, scope, keyHash, ctx.status, ctx.body);
  };
}

async function complete(dataSource: DataSource, clock: Clock, scope: string, keyHash: string, status: number, body: unknown): Promise<void> {
  await dataSource.query(
    `UPDATE idempotency_keys SET status = 'completed', response_status = ?, response_body = ?, updated_at = ? WHERE scope = ? AND key_hash = ?`,
    [status, JSON.stringify(body ?? null), clock.now(), scope, keyHash],
  );
}
