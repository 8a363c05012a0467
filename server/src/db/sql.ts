import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
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
  return withRetry(() => runTransaction(dataSource, work), {
    maxAttempts: MAX_TRANSACTION_ATTEMPTS,
    retryIf: (error) => errno(error) === DEADLOCK || errno(error) === LOCK_WAIT_TIMEOUT,
    delayMs: (attempt) => TRANSACTION_RETRY_STEP_MS * attempt + Math.floor(Math.random() * TRANSACTION_RETRY_JITTER_MS),
  });
}

/** Pooled connections whose session is READ COMMITTED already: the level is set once per connection, not per transaction. */
const readCommittedConnections = new WeakSet<object>();

/** What an open transaction of `runTransaction` holds back until its next round trip (see `writeLater`). */
interface HeldBack {
  statements: string[];
  format(statement: string, params?: unknown[]): string;
  /** Sends what is held back and `statements` in one batch; the answers of `statements`, in order. */
  sendAll(statements: ReadonlyArray<[string, unknown[] | undefined]>): Promise<unknown[]>;
}
const heldBackBy = new WeakMap<object, HeldBack>();

/**
 * One transaction on one pooled connection, in as few round trips as its work allows: BEGIN
 * travels with the work's first statement, writes nobody reads the answer of (`writeLater`)
 * with the next statement, and the last of them with COMMIT, each time as one multi-statement
 * batch (the pool's connections allow them: every statement's values are escaped by the driver).
 */
async function runTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const connection = (await runner.connect()) as { format(statement: string, params?: unknown[]): string };
    let begun = false;
    const send = runner.query.bind(runner) as (statement: string, params?: unknown[], structured?: boolean) => Promise<unknown>;
    const held: HeldBack = {
      statements: [],
      format: (statement, params) => connection.format(statement, params),
      async sendAll(statements) {
        const batch = [...held.statements.splice(0), ...statements.map(([statement, params]) => connection.format(statement, params))];
        if (batch.length === 0) return [];
        begun = true;
        readCommittedConnections.add(connection);
        const results = await send(batch.join('\n;\n'));
        // One statement alone comes back as its own answer, not as a list of answers.
        return (batch.length === 1 ? [results] : (results as unknown[])).slice(batch.length - statements.length);
      },
    };
    if (!readCommittedConnections.has(connection)) held.statements.push('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    held.statements.push('START TRANSACTION');
    const opening = held.statements.length;
    // Everything the manager runs goes through the runner's query: what is held back goes first, in the same batch.
    runner.query = (async (statement: string, params?: unknown[], structured?: boolean) => {
      if (held.statements.length === 0) return send(statement, params, structured);
      if (structured) {
        await held.sendAll([]);
        return send(statement, params, structured);
      }
      const [result] = await held.sendAll([[statement, params]]);
      return result;
    }) as QueryRunner['query'];
    heldBackBy.set(runner.manager, held);
    try {
      const result = await work(runner.manager as Tx);
      if (begun || held.statements.length > opening) await runner.query('COMMIT');
      return result;
    } catch (error) {
      held.statements.length = 0;
      if (begun) await send('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/**
 * A write inside a transaction whose answer (insert id, affected rows) nobody reads: it travels
 * with the transaction's next statement, or with its COMMIT, in one round trip. Only for writes
 * that cannot fail but as the transaction fails (a deadlock, a lock wait timeout): no unique key
 * they could break, since their error would surface at the statement they ride with. Outside a
 * transaction of `inTransaction` (on the pool) it runs at once.
 */
export async function writeLater(sql: Sql, statement: string, params: unknown[]): Promise<void> {
  const held = heldBackBy.get(sql);
  if (held) held.statements.push(held.format(statement, params));
  else await sql.query(statement, params);
}

/**
 * Statements whose answers the caller needs all at once (reads, locks), sent in one round trip
 * with whatever the transaction holds back; their answers in order. In a transaction of
 * `inTransaction` only: on the pool, consecutive statements could land on different connections.
 */
export async function queryAll(tx: Tx, statements: ReadonlyArray<[string, unknown[]]>): Promise<unknown[]> {
  const held = heldBackBy.get(tx);
  if (!held) throw new Error('queryAll runs inside a transaction of inTransaction');
  return held.sendAll(statements);
}

/** A read to send along with another module's statements (`queryAll`): its SQL, and how to read its answer. */
export interface Read<T> {
  sql: string;
  params: unknown[];
  parse(rows: unknown): T;
}
