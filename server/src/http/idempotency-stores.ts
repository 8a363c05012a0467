import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { isDuplicateKey } from '../db/sql';
import type { Clock } from '../platform/clock';
import { outcomeRecorder, parseRef, type OutcomeRecorder, type OutcomeRef } from '../platform/outcomes';
import { IN_WORK_RECORD_TTL_SECONDS, type ClaimInWork, type StoredRequest } from '../platform/claims-in-work';

export type { StoredRequest };

/** What a claim finds under a key. */
export type Claim =
  /** This call owns the key; its work records its outcome through `outcome`. */
  | { kind: 'run'; outcome?: OutcomeRecorder }
  /** The key's first attempt committed (its outcome is `ref`) but never answered: answer from the outcome. */
  | { kind: 'resume'; ref: OutcomeRef }
  /** A finished request, a request still running, or a key used for another request. */
  | { kind: 'stored'; stored: StoredRequest }
  /** The work claims the key itself, in its own first round trip (platform/claims-in-work.ts). */
  | { kind: 'in_work' };

/** Where idempotency records live. A claim is atomic: exactly one caller runs or resumes a key. */
export interface IdempotencyStore {
  claim(scope: string, keyHash: string, requestHash: string): Promise<Claim>;
  /** `inWork`: the claim the work made itself, for a store whose claims are `in_work`. */
  complete(scope: string, keyHash: string, requestHash: string, status: number, body: string, inWork?: ClaimInWork): Promise<void>;
  /** The request failed without an answer: free the key if nothing committed, else leave it to be resumed at once. */
  abandon(scope: string, keyHash: string, inWork?: ClaimInWork): Promise<void>;
}

/**
 * How long an attempt holds its key before a retry may take it over. Taking over is safe
 * whenever it happens: an attempt that committed recorded its outcome in the same transaction
 * (the retry resumes from it), and one that did not yet commit can no longer record one (its
 * compare-and-set fails and it rolls back). So the lease only spaces out retries of a request
 * that is probably still running.
 */
export const MYSQL_IN_FLIGHT_LEASE_MS = 10_000;

/** Durable records in MySQL: for gifts, deposits, packets — requests that are rare and precious. */
export function mysqlIdempotencyStore(dataSource: DataSource, clock: Clock, leaseMs = MYSQL_IN_FLIGHT_LEASE_MS): IdempotencyStore {
  return {
    async claim(scope, keyHash, requestHash) {
      const now = clock.now();
      try {
        await dataSource.query(
          `INSERT INTO idempotency_keys (scope, key_hash, request_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'in_flight', ?, ?)`,
          [scope, keyHash, requestHash, now, now],
        );
        return { kind: 'run', outcome: outcomeRecorder(scope, keyHash) };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const taken = await dataSource.query(
        `UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND key_hash = ? AND request_hash = ? AND status = 'in_flight' AND updated_at < ?`,
        [now, scope, keyHash, requestHash, new Date(now.getTime() - leaseMs)],
      );
      const [row] = await dataSource.query('SELECT request_hash, result_ref, status, response_status, response_body FROM idempotency_keys WHERE scope = ? AND key_hash = ?', [scope, keyHash]);
      if (Number(taken.affectedRows) === 1) return row?.result_ref ? { kind: 'resume', ref: parseRef(row.result_ref) } : { kind: 'run', outcome: outcomeRecorder(scope, keyHash) };
      // Released between our insert and this read: report it as still running; a retry will claim it.
      if (!row) return { kind: 'stored', stored: { requestHash, status: 'in_flight', responseStatus: null, responseBody: null } };
      return { kind: 'stored', stored: { requestHash: row.request_hash, status: row.status, responseStatus: row.response_status, responseBody: row.response_body } };
    },
    async complete(scope, keyHash, _requestHash, status, body) {
      await dataSource.query(`UPDATE idempotency_keys SET status = 'completed', response_status = ?, response_body = ?, updated_at = ? WHERE scope = ? AND key_hash = ?`, [
        status,
        body,
        clock.now(),
        scope,
        keyHash,
      ]);
    },
    async abandon(scope, keyHash) {
      // Never free a key whose work committed: its retry must resume, not run the work again.
      await dataSource.query(`DELETE FROM idempotency_keys WHERE scope = ? AND key_hash = ? AND status = 'in_flight' AND result_ref IS NULL`, [scope, keyHash]);
      await dataSource.query(`UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND key_hash = ? AND status = 'in_flight'`, [new Date(0), scope, keyHash]);
    },
  };
}

/** Completed records are kept this long, then purged (SPEC §4 promises replays for a day). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Bound on the rows one purge statement deletes, so a purge never holds long locks. */
export const IDEMPOTENCY_PURGE_BATCH = 1_000;
/** Bound on the statements of one purge run; the next run takes the rest. */
const IDEMPOTENCY_PURGE_ROUNDS = 20;

/** Deletes idempotency records older than the retention; returns how many went. */
export async function purgeIdempotencyRecords(dataSource: DataSource, clock: Clock): Promise<number> {
  const before = new Date(clock.now().getTime() - IDEMPOTENCY_RETENTION_MS);
  let purged = 0;
  for (let round = 0; round < IDEMPOTENCY_PURGE_ROUNDS; round++) {
    // An old record still in flight with an outcome waits for its resume: its work committed.
    const result = await dataSource.query(`DELETE FROM idempotency_keys WHERE updated_at < ? AND (status = 'completed' OR result_ref IS NULL) LIMIT ?`, [before, IDEMPOTENCY_PURGE_BATCH]);
    purged += Number(result.affectedRows);
    if (Number(result.affectedRows) < IDEMPOTENCY_PURGE_BATCH) break;
  }
  return purged;
}

const REDIS_RECORD_TTL_SECONDS = 24 * 60 * 60;
/** A grab takes milliseconds; an attempt that has not answered in this long has died. */
export const REDIS_IN_FLIGHT_LEASE_MS = 5_000;

/**
 * Records in Redis, for the grab: a storm of thousands of grabs must not write MySQL for each
 * loser. The grab needs no recovery point: it is idempotent by itself (one share per user per
 * packet, in Redis and by MySQL's unique key), so a retry that runs it again gets the share the
 * user holds. A lost record can change nothing but whether an answer says it was replayed.
 */
export function redisIdempotencyStore(redis: Redis, prefix: string): IdempotencyStore {
  const key = (scope: string, keyHash: string) => `${prefix}:idem:${scope}:${keyHash}`;
  return {
    async claim(scope, keyHash, requestHash) {
      const fresh: StoredRequest = { requestHash, status: 'in_flight', responseStatus: null, responseBody: null };
      // In flight, the record lives only as long as the lease; completed, it is kept for a day.
      const won = await redis.set(key(scope, keyHash), JSON.stringify(fresh), 'PX', REDIS_IN_FLIGHT_LEASE_MS, 'NX');
      if (won === 'OK') return { kind: 'run' };
      const stored = await redis.get(key(scope, keyHash));
      return { kind: 'stored', stored: stored ? (JSON.parse(stored) as StoredRequest) : fresh };
    },
    async complete(scope, keyHash, requestHash, status, body) {
      const done: StoredRequest = { requestHash, status: 'completed', responseStatus: status, responseBody: body };
      await redis.set(key(scope, keyHash), JSON.stringify(done), 'EX', REDIS_RECORD_TTL_SECONDS);
    },
    async abandon(scope, keyHash) {
      await redis.del(key(scope, keyHash));
    },
  };
}

/**
 * Records in Redis that the work claims itself: the grab's script claims the key in the packet's
 * hash slot, in the same round trip that decides the grab, and stores a sold-out answer at once
 * (red-packets/store.ts). What is left here is completing a record the work only claimed, and
 * freeing it. Same semantics and lifetimes as `redisIdempotencyStore`: in flight for the lease,
 * completed for a day.
 */
export function redisInWorkIdempotencyStore(redis: Redis): IdempotencyStore {
  return {
    async claim() {
      return { kind: 'in_work' };
    },
    async complete(_scope, _keyHash, _requestHash, status, body, inWork) {
      if (!inWork?.key) return; // the work never reached its claim (refused before it): nothing to complete
      if (inWork.recorded && inWork.recorded.status === status && inWork.recorded.body === body) return;
      // The whole record, not just its answer: Redis may have lost the claim meanwhile (a restart), and a record without its owner and request would not be replayed.
      await redis
        .multi()
        .hset(inWork.key, 'attempt', inWork.attempt, 'requestHash', inWork.requestHash, 'status', 'completed', 'responseStatus', status, 'responseBody', body)
        .expire(inWork.key, IN_WORK_RECORD_TTL_SECONDS)
        .exec();
    },
    async abandon(_scope, _keyHash, inWork) {
      if (inWork?.key) await redis.del(inWork.key);
    },
  };
}
