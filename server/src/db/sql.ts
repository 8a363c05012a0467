import type { DataSource, EntityManager } from 'typeorm';

/** The slice of TypeORM the data layer uses: raw SQL inside a transaction or on the pool. */
export type Sql = Pick<EntityManager, 'query'>;

export interface InsertResult {
  insertId: number;
  affectedRows: number;
}

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;
const MAX_TRANSACTION_ATTEMPTS = 5;

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
export async function inTransaction<T>(dataSource: DataSource, work: (sql: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction('READ COMMITTED', work);
    } catch (error) {
      const code = errno(error);
      const retriable = code === DEADLOCK || code === LOCK_WAIT_TIMEOUT;
      if (!retriable || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.floor(Math.random() * 10)));
    }
  }
}
