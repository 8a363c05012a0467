import type { DataSource } from 'typeorm';
import { httpClient } from '../test-support/http-client';
import type { ServerProcess } from '../test-support/processes';
import { toInt } from '../db/sql';
import { percentile, runLoad, type LoadRequest, type LoadResult } from './load';
import { watchCpu, type CpuShares } from './cpu';
import type { BenchStack, BenchUser } from './stack';

/** The shape every grab storm of the run shares (the real one and both baselines). */
export interface StormShape {
  attempts: number;
  concurrency: number;
  shares: number;
  totalMb: number;
  /** The grabbers: attempt i is made by users[i % users.length]. */
  users: readonly BenchUser[];
}

export interface StormRun {
  load: LoadResult;
  /** Winners queue on MySQL, losers should not: their latencies tell the two paths apart. */
  winners: { p50Ms: number; p99Ms: number };
  losers: { p50Ms: number; p99Ms: number };
  cpu: CpuShares;
  grants: GrantCheck;
}

export interface GrantCheck {
  grants: number;
  distinctUsers: number;
  distinctShares: number;
  sumMb: number;
  answeredSumMb: number;
  problems: string[];
}

/** Answers a grab may get in a storm; anything else (5xx, 503 busy, …) fails the bench. */
const EXPECTED_OUTCOMES = new Set(['200', '409 SOLD_OUT', '409 ALREADY_GRABBED']);

export function grabRequest(shape: StormShape, packetId: string, label: string) {
  const path = `/api/v1/red-packets/${packetId}/grab`;
  return (index: number): LoadRequest => ({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${shape.users[index % shape.users.length].token}`, 'idempotency-key': `${label}-${index}` },
    body: '{}',
  });
}

/**
 * A storm of grabs against `targets`, then its check: exactly `shares` grants, summing to the
 * total, nobody twice — as the HTTP answers say and as `countGrants` reads them from MySQL.
 */
export async function stormAndCheck(
  shape: StormShape,
  targets: readonly ServerProcess[],
  packetId: string,
  label: string,
  countGrants: () => Promise<Omit<GrantCheck, 'answeredSumMb' | 'problems'>>,
): Promise<StormRun> {
  let answeredSumMb = 0;
  const winnerMs: number[] = [];
  const loserMs: number[] = [];
  const cpu = watchCpu({ servers: targets.map((t) => t.child.pid ?? 0) });
  const load = await runLoad({
    targets: targets.map((t) => t.url),
    total: shape.attempts,
    concurrency: shape.concurrency,
    build: grabRequest(shape, packetId, label),
    onAnswer: ({ status, body, latencyMs }) => {
      if (status === 200) answeredSumMb += (JSON.parse(body) as { amountMb: number }).amountMb;
      (status === 200 ? winnerMs : loserMs).push(latencyMs);
    },
  });
  const cpuShares = cpu.stop();
  const counted = await countGrants();
  const problems: string[] = [];
  if (load.transportErrors > 0) problems.push(`${load.transportErrors} requests got no answer (first: ${load.firstTransportError})`);
  for (const [outcome, n] of Object.entries(load.outcomes)) if (!EXPECTED_OUTCOMES.has(outcome)) problems.push(`${n} answers were ${outcome}`);
  if ((load.outcomes['200'] ?? 0) !== shape.shares) problems.push(`${load.outcomes['200'] ?? 0} grabs answered 200, expected ${shape.shares}`);
  if (answeredSumMb !== shape.totalMb) problems.push(`the 200 answers add up to ${answeredSumMb} MB, expected ${shape.totalMb}`);
  if (counted.grants !== shape.shares) problems.push(`MySQL holds ${counted.grants} grabs, expected ${shape.shares}`);
  if (counted.distinctUsers !== counted.grants) problems.push(`MySQL holds ${counted.grants} grabs by only ${counted.distinctUsers} users`);
  if (counted.distinctShares !== counted.grants) problems.push(`MySQL holds ${counted.grants} grabs of only ${counted.distinctShares} shares`);
  if (counted.sumMb !== shape.totalMb) problems.push(`MySQL's grabs add up to ${counted.sumMb} MB, expected ${shape.totalMb}`);
  return { load, winners: percentilesOf(winnerMs), losers: percentilesOf(loserMs), cpu: cpuShares, grants: { ...counted, answeredSumMb, problems } };
}

function percentilesOf(latenciesMs: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = Float64Array.from(latenciesMs).sort();
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** A warm-up on a packet of its own: sockets open, code paths compiled, before the clock runs. */
export async function warmUp(shape: StormShape, targets: readonly ServerProcess[], packetId: string, label: string): Promise<void> {
  await runLoad({ targets: targets.map((t) => t.url), total: Math.min(2 * shape.concurrency, shape.attempts), concurrency: shape.concurrency, build: grabRequest(shape, packetId, label) });
}

export async function createPacket(url: string, sender: BenchUser, count: number, totalMb: number): Promise<string> {
  const answer = await httpClient(url).post('/api/v1/red-packets', { mode: 'random', totalMb, count, greeting: 'bench' }, { token: sender.token, idempotencyKey: true });
  if (answer.status !== 201) throw new Error(`creating a red packet answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return String(answer.body.id);
}

async function countServerGrants(db: DataSource, packetId: string) {
  const [row] = await db.query(
    'SELECT COUNT(*) AS grants, COUNT(DISTINCT user_id) AS users, COUNT(DISTINCT seq) AS shares, COALESCE(SUM(amount_mb), 0) AS sum_mb FROM red_packet_grabs WHERE packet_id = ?',
    [packetId],
  );
  return { grants: toInt(row.grants), distinctUsers: toInt(row.users), distinctShares: toInt(row.shares), sumMb: toInt(row.sum_mb) };
}

/** The real grab path: Redis decides, MySQL records, on the service's own processes. */
export async function runRealStorm(stack: BenchStack, servers: readonly ServerProcess[], sender: BenchUser, shape: StormShape): Promise<StormRun & { packetId: string; packetStatus: string }> {
  await warmUp(shape, servers, await createPacket(servers[0].url, sender, 1, 1), 'warm');
  const packetId = await createPacket(servers[0].url, sender, shape.shares, shape.totalMb);
  const run = await stormAndCheck(shape, servers, packetId, `storm-${packetId}`, () => countServerGrants(stack.db, packetId));
  const [packet] = await stack.db.query('SELECT status, remaining_count, remaining_mb FROM red_packets WHERE id = ?', [packetId]);
  if (packet.status !== 'finished' || toInt(packet.remaining_count) !== 0 || toInt(packet.remaining_mb) !== 0) {
    run.grants.problems.push(`the packet is ${packet.status} with ${packet.remaining_count} shares / ${packet.remaining_mb} MB left`);
  }
  return { ...run, packetId, packetStatus: String(packet.status) };
}
