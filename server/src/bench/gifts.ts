import { createPool, type Pool } from 'mysql2/promise';
import { toInt } from '../db/sql';
import { httpClient } from '../test-support/http-client';
import type { ServerProcess } from '../test-support/processes';
import { percentile, runLoad, type LoadResult } from './load';
import { watchCpu, type CpuShares } from './cpu';
import type { BenchStack, BenchUser } from './stack';

/**
 * Gift throughput (SPEC §3.2) against its floor in MySQL: the same number of bare single-row
 * update transactions, from as many callers at once, over as many connections as the service
 * processes hold. Each caller slot is one sender (a sender's gifts queue on their own row by
 * design), and baseline slot k updates row k, so both sides have the same lock pattern.
 */

export interface GiftShape {
  gifts: number;
  concurrency: number;
  /** Registered recipients (so every gift is delivered at once). */
  recipients: readonly BenchUser[];
}

export interface BaselineTxRun {
  count: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  connections: number;
  cpu: CpuShares;
}

export interface GiftRun {
  load: LoadResult;
  cpu: CpuShares;
  problems: string[];
}

const GIFT_MB = 10;
/** Connections per service process (createDataSource's pool), mirrored by the baseline pool. */
const POOL_SIZE_PER_PROCESS = 20;

export async function prepareGiftSenders(stack: BenchStack, shape: GiftShape, via: ServerProcess, rounds: number): Promise<BenchUser[]> {
  const senders = await stack.seed(shape.concurrency, '1370');
  // Slots do not send equal shares of the gifts (a fast slot takes more), so each sender can cover them all, every round.
  await stack.fund(senders, rounds * shape.gifts * GIFT_MB, httpClient(via.url));
  return senders;
}

const deliveredGifts = async (stack: BenchStack) => {
  const [row] = await stack.db.query(`SELECT COUNT(*) AS n, COALESCE(SUM(amount_mb), 0) AS mb FROM gifts WHERE status = 'delivered'`);
  return { n: toInt(row.n), mb: toInt(row.mb) };
};

export async function runGifts(stack: BenchStack, servers: readonly ServerProcess[], senders: readonly BenchUser[], shape: GiftShape, round: number): Promise<GiftRun> {
  const before = await deliveredGifts(stack);
  const cpu = watchCpu({ servers: servers.map((s) => s.child.pid ?? 0) });
  const load = await runLoad({
    targets: servers.map((s) => s.url),
    total: shape.gifts,
    concurrency: shape.concurrency,
    build: (index, worker) => ({
      method: 'POST',
      path: '/api/v1/gifts',
      headers: { authorization: `Bearer ${senders[worker].token}`, 'idempotency-key': `gift-${round}-${index}` },
      body: JSON.stringify({ toPhone: shape.recipients[(index * 7919) % shape.recipients.length].phone, amountMb: GIFT_MB }),
    }),
  });
  const cpuShares = cpu.stop();
  const problems: string[] = [];
  if (load.transportErrors > 0) problems.push(`${load.transportErrors} gifts got no answer (first: ${load.firstTransportError})`);
  if (load.outcomes['201'] !== shape.gifts) problems.push(`gift answers: ${JSON.stringify(load.outcomes)}, expected ${shape.gifts} × 201`);
  const after = await deliveredGifts(stack);
  const [n, mb] = [after.n - before.n, after.mb - before.mb];
  if (n !== shape.gifts || mb !== shape.gifts * GIFT_MB) problems.push(`MySQL holds ${n} more delivered gifts of ${mb} MB, expected ${shape.gifts} of ${shape.gifts * GIFT_MB} MB`);
  return { load, cpu: cpuShares, problems };
}

export async function runUpdateBaseline(stack: BenchStack, shape: GiftShape, processes: number): Promise<BaselineTxRun> {
  await stack.db.query('CREATE TABLE IF NOT EXISTS bench_counters (id INT NOT NULL PRIMARY KEY, n BIGINT NOT NULL)');
  // Every round starts from zero: the rows are (re)set, not added.
  await stack.db.query(`INSERT INTO bench_counters (id, n) VALUES ${Array.from({ length: shape.concurrency }, (_, id) => `(${id}, 0)`).join(', ')} ON DUPLICATE KEY UPDATE n = 0`);
  const connections = processes * POOL_SIZE_PER_PROCESS;
  const pool: Pool = createPool({ uri: stack.config.DATABASE_URL, connectionLimit: connections });
  pool.on('connection', (connection) => void connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'));
  try {
    const latenciesMs = new Float64Array(shape.gifts);
    let next = 0;
    const transact = async (row: number): Promise<void> => {
      const connection = await pool.getConnection();
      try {
        await connection.beginTransaction();
        await connection.query('UPDATE bench_counters SET n = n + 1 WHERE id = ?', [row]);
        await connection.commit();
      } finally {
        connection.release();
      }
    };
    // Warm: every connection opened before the clock runs.
    await Promise.all(Array.from({ length: connections }, (_, i) => transact(i % shape.concurrency)));
    const cpu = watchCpu({});
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: shape.concurrency }, async (_, worker) => {
        for (let index = next++; index < shape.gifts; index = next++) {
          const began = process.hrtime.bigint();
          await transact(worker);
          latenciesMs[index] = Number(process.hrtime.bigint() - began) / 1e6;
        }
      }),
    );
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuShares = cpu.stop();
    const [row] = await stack.db.query('SELECT SUM(n) AS n FROM bench_counters');
    if (toInt(row.n) !== shape.gifts + connections) throw new Error(`the baseline counters add up to ${row.n}, expected ${shape.gifts + connections}`);
    const sorted = latenciesMs.sort();
    return { count: shape.gifts, elapsedMs, perSecond: (shape.gifts / elapsedMs) * 1000, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), connections, cpu: cpuShares };
  } finally {
    await pool.end();
  }
}
