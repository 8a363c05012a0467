import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { isDuplicateKey } from '../db/sql';
import type { Clock } from '../platform/clock';

export interface StoredRequest {
  requestHash: string;
  status: 'in_flight' | 'completed';
  responseStatus: number | null;
  responseBody: string | null;
}

/**
 * How long a request may stay in flight before its key can be claimed again: a process that
 * died mid-request must not block its key for ever. The business rules behind every route
 * (status guards, unique keys) still refuse to move data twice.
 */
export const IN_FLIGHT_LEASE_MS = 60_000;

/** Where idempotency records live. A claim is atomic: exactly one caller wins a key. */
export interface IdempotencyStore {
  /** null when this call claimed the key; otherwise what is stored under it. */
  claim(scope: string, keyHash: string, requestHash: string): Promise<StoredRequest | null>;
  complete(scope: string, keyHash: string, requestHash: string, status: number, body: string): Promise<void>;
  release(scope: string, keyHash: string): Promise<void>;
}

/** Durable records in MySQL: for gifts, deposits, packets — requests that are rare and precious. */
export function mysqlIdempotencyStore(dataSource: DataSource, clock: Clock): IdempotencyStore {
  return {
    async claim(scope, keyHash, requestHash) {
      const now = clock.now();
      try {
        await dataSource.query(
          `INSERT INTO idempotency_keys (scope, key_hash, request_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'in_flight', ?, ?)`,
          [scope, keyHash, requestHash, now, now],
        );
        return null;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const taken = await dataSource.query(
        `UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND key_hash = ? AND request_hash = ? AND status = 'in_flight' AND updated_at < ?`,
        [now, scope, keyHash, requestHash, new Date(now.getTime() - IN_FLIGHT_LEASE_MS)],
      );
      if (Number(taken.affectedRows) === 1) return null;
      const [row] = await dataSource.query('SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE scope = ? AND key_hash = ?', [scope, keyHash]);
      // Released between our insert and this read: report it as still running; a retry will claim it.
      if (!row) return { requestHash, status: 'in_flight', responseStatus: null, responseBody: null };
      return { requestHash: row.request_hash, status: row.status, responseStatus: row.response_status, responseBody: row.response_body };
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
    async release(scope, keyHash) {
      await dataSource.query('DELETE FROM idempotency_keys WHERE scope = ? AND key_hash = ?', [scope, keyHash]);
    },
  };
}

const REDIS_RECORD_TTL_SECONDS = 24 * 60 * 60;

/**
 * Records in Redis, for the grab: a storm of thousands of grabs must not write MySQL for each
 * loser. If Redis loses them, a replayed grab is still refused by MySQL's one-grab-per-user
 * key: a lost record can change an answer, never move data twice.
 */
export function redisIdempotencyStore(redis: Redis, prefix: string): IdempotencyStore {
  const key = (scope: string, keyHash: string) => `${prefix}:idem:${scope}:${keyHash}`;
  return {
    async claim(scope, keyHash, requestHash) {
      const fresh: StoredRequest = { requestHash, status: 'in_flight', responseStatus: null, responseBody: null };
      // In flight, the record lives only as long as the lease; completed, it is kept for a day.
      const won = await redis.set(key(scope, keyHash), JSON.stringify(fresh), 'PX', IN_FLIGHT_LEASE_MS, 'NX');
      if (won === 'OK') return null;
      const stored = await redis.get(key(scope, keyHash));
      return stored ? (JSON.parse(stored) as StoredRequest) : fresh;
    },
    async complete(scope, keyHash, requestHash, status, body) {
      const done: StoredRequest = { requestHash, status: 'completed', responseStatus: status, responseBody: body };
      await redis.set(key(scope, keyHash), JSON.stringify(done), 'EX', REDIS_RECORD_TTL_SECONDS);
    },
    async release(scope, keyHash) {
      await redis.del(key(scope, keyHash));
    },
  };
}
