import type { DataSource, EntityManager } from 'typeorm';
import { withRetry } from '@liuliang/shared';

/** The slice of TypeORM the data layer uses: raw SQL inside a transaction or on the pool. */
export type Sql = Pick<EntityManager, 'query'>;

declare const txBrand: unique symbol;
/**
 * An open transaction, as only `inTransaction` hands it out. The ledger's writes take a `Tx`, so
 * that a transfer cannot run on the pool, where its statements would each commit alone.
 */
export type Tx = EntityManager & { readonly [txBrand]: true };

export interface InsertResult {
  insertId: number;
  affectedRows: number;
}

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;
const MAX_TRANSACTION_ATTEMPTS = 5;
/** The pause before a deadlock victim runs again grows by this much per attempt... */
const TRANSACTION_RETRY_STEP_MS = 5;
/** ...plus up to this much at random, so that the two victims of one deadlock do not collide again. */
const TRANSACTION_RETRY_JITTER_MS = 10;

/** MySQL BIGINT and SUM() arrive as strings (bigNumberStrings); amounts must be safe integers. */
export function toInt(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`expected a safe integer from the database, got ${String(value)}`);
  return n;
}

export function errno(error: unknown): number | undefined {
  const e = error as { errno?: number; driverError?: { errno?: number } };
  return e?.driverError?.errno ?? e?.errno;
}

export const isDuplicateKey = (error: unknown) => errno(error) === 1062;

/**
 * Runs `work` in one READ COMMITTED transaction, retrying the whole of it when InnoDB picks it
 * as a deadlock victim: a retry is safe because nothing of a rolled-back attempt remains.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withRetry(() => dataSource.transaction('READ COMMITTED', (manager) => work(manager as Tx)), {
    maxAttempts: MAX_TRANSACTION_ATTEMPTS,
    retryIf: (error) => errno(error) === DEADLOCK || errno(error) === LOCK_WAIT_TIMEOUT,
    delayMs: (attempt) => TRANSACTION_RETRY_STEP_MS * attempt + Math.floor(Math.random() * TRANSACTION_RETRY_JITTER_MS),
  });
}
