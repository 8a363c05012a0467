import { createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ERROR_STATUS, type ErrorCode } from '@liuliang/shared';
import { DomainError, errorBodyOf } from '../platform/errors';
import type { Caller } from './auth';
import type { IdempotencyStore, StoredRequest } from './idempotency-stores';
import { claimInWork, StoredRequestFound } from '../platform/claims-in-work';
import { answeringInTransaction, OutcomeAlreadyRecorded, type OutcomeRef } from '../platform/outcomes';

export const IDEMPOTENCY_KEY_MAX_CHARS = 255;

/**
 * Refusals that are not an outcome of the request but of the moment (a limit, a wrong guess):
 * the key is freed instead of kept, so a guesser cycling keys leaves no record per guess, and
 * the same key tried later is judged afresh.
 */
const MOMENTARY_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['RATE_LIMITED', 'WRONG_PASSPHRASE', 'CODE_TOO_MANY_TRIES']);

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
  if (caller.kind === 'user') return `user:${caller.user.id}`;
  return caller.kind === 'user-id' ? `user:${caller.userId}` : 'bot';
}

/** Answers a request whose work committed (its outcome) but whose first attempt never answered. */
export type Resume = (ctx: Context, ref: OutcomeRef) => Promise<unknown>;

/**
 * SPEC §4 idempotency for every request that moves data: the first response is stored and
 * replayed for the same key and body; another body is refused; a second request while the
 * first runs is refused. The store's claim is atomic, so two processes cannot both win. The
 * work records its outcome in its own transaction (ctx.state.outcome), so a retry after a
 * crash resumes from what committed (`resume`) instead of running the work a second time.
 */
export function idempotent(store: IdempotencyStore, resume: Resume | undefined, successStatus: number) {
  return async function replayOrRun(ctx: Context, next: Next): Promise<void> {
    const key = ctx.get('idempotency-key');
    if (!key) throw new DomainError('IDEMPOTENCY_KEY_MISSING', 'Send an Idempotency-Key header with every request that moves data.');
    if (key.length > IDEMPOTENCY_KEY_MAX_CHARS) throw new DomainError('VALIDATION_FAILED', `Idempotency-Key is longer than ${IDEMPOTENCY_KEY_MAX_CHARS} characters.`);
    const scope = scopeOf(ctx.state.caller as Caller | undefined);
    const keyHash = sha256(key);
    const requestHash = sha256(`${ctx.method} ${ctx.path} ${canonical(ctx.request.body ?? {})}`);

    const claim = await store.claim(scope, keyHash, requestHash);
    if (claim.kind === 'stored') return answerStored(ctx, claim.stored, requestHash);
    // A store whose work claims the key itself: the work finds the record (StoredRequestFound) or makes it.
    const inWork = claim.kind === 'in_work' ? claimInWork(scope, keyHash, requestHash) : undefined;
    ctx.state.claimInWork = inWork;

    // The JSON the work stored as its answer inside its own transaction, if it did (OutcomeRecorder.answer).
    let answeredInWork: string | null = null;
    try {
      if (claim.kind === 'resume') await answerFromOutcome(ctx, claim.ref);
      else {
        const recorder = claim.kind === "run" ? claim.outcome : undefined;
        ctx.state.outcome = recorder && answeringInTransaction(recorder, scope, keyHash, successStatus, (json) => (answeredInWork = json));
        try {
          await next();
        } catch (error) {
          // Another attempt with this key committed first: this one rolled back; answer as that one did.
          if (!(error instanceof OutcomeAlreadyRecorded)) throw error;
          await answerFromOutcome(ctx, error.ref);
        }
      }
    } catch (error) {
      // The work's own claim found another request's record: that record answers, and stays as it is.
      if (error instanceof StoredRequestFound) return answerStored(ctx, error.stored, requestHash);
      // A client error is an answer too, and is replayed; anything else leaves the key to a retry
      // (freed if nothing committed, resumable at once if something did).
      if (error instanceof DomainError && ERROR_STATUS[error.code] < 500 && !MOMENTARY_REFUSALS.has(error.code)) {
        await store.complete(scope, keyHash, requestHash, ERROR_STATUS[error.code], JSON.stringify(errorBodyOf(error)), inWork);
      } else {
        await store.abandon(scope, keyHash, inWork).catch(() => {});
      }
      throw error;
    }
    const answer = JSON.stringify(ctx.body ?? null);
    // Stored in the work's transaction already, exactly as answered: one write (and commit) fewer.
    if (answeredInWork === answer && ctx.status === successStatus) return;
    await store.complete(scope, keyHash, requestHash, ctx.status, answer, inWork);
  };

  /** Another request's record under the key: its answer replayed, or a refusal (SPEC §4). */
  function answerStored(ctx: Context, stored: StoredRequest, requestHash: string): void {
    if (stored.requestHash !== requestHash) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with another request.');
    if (stored.status === 'in_flight') throw new DomainError('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still running.');
    ctx.status = stored.responseStatus ?? 200;
    ctx.body = JSON.parse(stored.responseBody ?? 'null');
    ctx.set('Idempotency-Replayed', 'true');
  }

  async function answerFromOutcome(ctx: Context, ref: OutcomeRef): Promise<void> {
    if (!resume) throw new Error(`no way to resume ${ref.type} ${ref.id}: the route records outcomes but declares no resume`);
    ctx.body = await resume(ctx, ref);
    ctx.status = successStatus;
  }
}
