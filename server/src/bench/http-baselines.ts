import type { DataSource } from 'typeorm';
import { toInt } from '../db/sql';
import { splitRandom } from '../modules/red-packets/split';
import type { ServerProcess } from '../test-support/processes';
import { spawnBenchChild, stopWithin } from './children';
import { runLoad, type LoadResult } from './load';
import { watchCpu, type CpuShares } from './cpu';
import { grabRequest, recordedSpan, stormAndCheck, warmUp, type StormRun, type StormShape } from './storm';
import type { BenchStack } from './stack';

/**
 * The two baselines of the grab storm, measured in the same run with the same load generator,
 * concurrency and process count: the HTTP ceiling (bare Koa) and the naive MySQL-only grab.
 */

export async function runBareKoa(shape: StormShape, processes: number): Promise<{ load: LoadResult; cpu: CpuShares }> {
  const servers = await Promise.all(Array.from({ length: processes }, () => spawnBenchChild('bare-koa-server.js', {})));
  try {
    const targets = servers.map((s) => s.url);
    await warmUp(shape, servers, '0', 'bare-warm');
    const build = grabRequest(shape, '0', 'bare');
    const cpu = watchCpu(pidsOf(servers));
    const load = await runLoad({ targets, total: shape.attempts, concurrency: shape.concurrency, build });
    const cpuShares = cpu.stop();
    if (load.transportErrors > 0 || load.outcomes['200'] !== shape.attempts) throw new Error(`bare Koa did not answer every request with 200: ${JSON.stringify(load.outcomes)}, ${load.transportErrors} transport errors`);
    return { load, cpu: cpuShares };
  } finally {
    await stopWithin(servers);
  }
}

const NAIVE_TABLES = [
  `CREATE TABLE IF NOT EXISTS bench_naive_packets (
     id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
     count INT NOT NULL, total_mb BIGINT NOT NULL, remaining_count INT NOT NULL, remaining_mb BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS bench_naive_shares (
     packet_id BIGINT UNSIGNED NOT NULL, seq INT NOT NULL, amount_mb BIGINT NOT NULL, PRIMARY KEY (packet_id, seq))`,
  `CREATE TABLE IF NOT EXISTS bench_naive_grabs (
     id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
     packet_id BIGINT UNSIGNED NOT NULL, user_id BIGINT UNSIGNED NOT NULL, seq INT NOT NULL, amount_mb BIGINT NOT NULL, created_at DATETIME(3) NOT NULL,
     UNIQUE KEY uq_naive_user (packet_id, user_id), UNIQUE KEY uq_naive_share (packet_id, seq))`,
];

async function insertNaivePacket(db: DataSource, count: number, totalMb: number): Promise<string> {
  const shares = splitRandom(totalMb, count, Math.random);
  const result = await db.query('INSERT INTO bench_naive_packets (count, total_mb, remaining_count, remaining_mb) VALUES (?, ?, ?, ?)', [count, totalMb, count, totalMb]);
  const packetId = String(result.insertId);
  await db.query(`INSERT INTO bench_naive_shares (packet_id, seq, amount_mb) VALUES ${shares.map(() => '(?, ?, ?)').join(', ')}`, shares.flatMap((amountMb, seq) => [packetId, seq, amountMb]));
  return packetId;
}

/** Connections per naive process: the same pool size a service process has (createDataSource). */
const NAIVE_POOL_SIZE = 20;

export async function runNaiveGrab(stack: BenchStack, shape: StormShape, processes: number): Promise<StormRun & { recorded: Awaited<ReturnType<typeof recordedSpan>> }> {
  for (const ddl of NAIVE_TABLES) await stack.db.query(ddl);
  const env = { DATABASE_URL: stack.config.DATABASE_URL, JWT_SECRET: stack.config.JWT_SECRET, POOL_SIZE: String(NAIVE_POOL_SIZE) };
  const servers = await Promise.all(Array.from({ length: processes }, () => spawnBenchChild('naive-grab-server.js', env)));
  try {
    await warmUp(shape, servers, await insertNaivePacket(stack.db, 1, 1), 'naive-warm');
    const packetId = await insertNaivePacket(stack.db, shape.shares, shape.totalMb);
    const run = await stormAndCheck(shape, servers, packetId, 'naive', async () => {
      const [row] = await stack.db.query(
        'SELECT COUNT(*) AS grants, COUNT(DISTINCT user_id) AS users, COUNT(DISTINCT seq) AS shares, COALESCE(SUM(amount_mb), 0) AS sum_mb FROM bench_naive_grabs WHERE packet_id = ?',
        [packetId],
      );
      return { grants: toInt(row.grants), distinctUsers: toInt(row.users), distinctShares: toInt(row.shares), sumMb: toInt(row.sum_mb) };
    });
    return { ...run, recorded: await recordedSpan(stack.db, 'bench_naive_grabs', packetId, run.startedAtMs) };
  } finally {
    await stopWithin(servers);
  }
}

function pidsOf(servers: readonly ServerProcess[]): { servers: number[] } {
  return { servers: servers.map((s) => s.child.pid ?? 0) };
}
