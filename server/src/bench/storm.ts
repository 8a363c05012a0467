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
  /** Users of the warm-up only, so that no grabber is known to a server before the storm. */
  warmUsers: readonly BenchUser[];
}

export interface StormRun {
  load: LoadResult;
  /** When the storm's first request left (epoch ms): grab timestamps in MySQL are read against it. */
  startedAtMs: number;
  /** Winners queue on MySQL, losers should not: their latencies tell the two paths apart. */
  winners: { p50Ms: number; p99Ms: number };
  losers: { p50Ms: number; p99Ms: number };
  /** Losers on their first attempt (the service looks the user up in MySQL) and on a later one (cached). */
  losersFirst: { p50Ms: number; p99Ms: number };
  losersLater: { p50Ms: number; p99Ms: number };
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
// ALREADY_GRABBED: the naive baseline still answers a second grab so; the service answers the share held.
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
  // A user who holds a share is answered it again (SPEC: a retry or second grab of a holder), so
  // grants are counted per user: the first 200 is the grant, later ones must repeat it exactly.
  const grantedTo = new Map<number, number>();
  const repeatsThatDiffer: number[] = [];
  const winnerMs: number[] = [];
  const loserMs: number[] = [];
  const loserFirstMs: number[] = [];
  const loserLaterMs: number[] = [];
  const cpu = watchCpu({ servers: targets.map((t) => t.child.pid ?? 0) });
  const startedAtMs = Date.now();
  const load = await runLoad({
    targets: targets.map((t) => t.url),
    total: shape.attempts,
    concurrency: shape.concurrency,
    build: grabRequest(shape, packetId, label),
    onAnswer: ({ index, status, body, latencyMs }) => {
      const user = index % shape.users.length;
      if (status === 200) {
        const { amountMb } = JSON.parse(body) as { amountMb: number };
        const held = grantedTo.get(user);
        if (held === undefined) {
          grantedTo.set(user, amountMb);
          winnerMs.push(latencyMs);
          return;
        }
        if (held !== amountMb) repeatsThatDiffer.push(user);
      }
      loserMs.push(latencyMs);
      (index < shape.users.length ? loserFirstMs : loserLaterMs).push(latencyMs);
    },
  });
  const cpuShares = cpu.stop();
  const counted = await countGrants();
  const problems: string[] = [];
  if (load.transportErrors > 0) problems.push(`${load.transportErrors} requests got no answer (first: ${load.firstTransportError})`);
  for (const [outcome, n] of Object.entries(load.outcomes)) if (!EXPECTED_OUTCOMES.has(outcome)) problems.push(`${n} answers were ${outcome}`);
  const answeredSumMb = [...grantedTo.values()].reduce((sum, mb) => sum + mb, 0);
  if (grantedTo.size !== shape.shares) problems.push(`${grantedTo.size} users were answered a share, expected ${shape.shares}`);
  if (repeatsThatDiffer.length > 0) problems.push(`${repeatsThatDiffer.length} repeated grabs were answered another share than the first`);
  if (answeredSumMb !== shape.totalMb) problems.push(`the 200 answers add up to ${answeredSumMb} MB, expected ${shape.totalMb}`);
  if (counted.grants !== shape.shares) problems.push(`MySQL holds ${counted.grants} grabs, expected ${shape.shares}`);
  if (counted.distinctUsers !== counted.grants) problems.push(`MySQL holds ${counted.grants} grabs by only ${counted.distinctUsers} users`);
  if (counted.distinctShares !== counted.grants) problems.push(`MySQL holds ${counted.grants} grabs of only ${counted.distinctShares} shares`);
  if (counted.sumMb !== shape.totalMb) problems.push(`MySQL's grabs add up to ${counted.sumMb} MB, expected ${shape.totalMb}`);
  return { load, startedAtMs, winners: percentilesOf(winnerMs), losers: percentilesOf(loserMs), losersFirst: percentilesOf(loserFirstMs), losersLater: percentilesOf(loserLaterMs), cpu: cpuShares, grants: { ...counted, answeredSumMb, problems } };
}

function percentilesOf(latenciesMs: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = Float64Array.from(latenciesMs).sort();
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** A warm-up on a packet of its own, by users of its own: sockets open, code compiled, before the clock runs. */
export async function warmUp(shape: StormShape, targets: readonly ServerProcess[], packetId: string, label: string): Promise<void> {
  const warm = { ...shape, users: shape.warmUsers };
  await runLoad({ targets: targets.map((t) => t.url), total: shape.warmUsers.length, concurrency: shape.concurrency, build: grabRequest(warm, packetId, label) });
}

export async function createPacket(url: string, sender: BenchUser, count: number, totalMb: number): Promise<string> {
  const answer = await httpClient(url).post('/api/v1/red-packets', { mode: 'random', totalMb, count, greeting: 'bench' }, { token: sender.token, idempotencyKey: true });
  if (answer.status !== 201) throw new Error(`creating a red packet answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return String(answer.body.id);
}

/**
 * When MySQL recorded the first and the last grant, from the storm's start. Redis hands out
 * every share within the first few hundred attempts; the spread of these times is how long
 * MySQL took to record them one after another under the packet's row lock.
 */
export async function recordedSpan(db: DataSource, table: 'red_packet_grabs' | 'bench_naive_grabs', packetId: string, startedAtMs: number): Promise<{ firstMs: number; lastMs: number; perGrantMs: number }> {
  const [row] = await db.query(`SELECT MIN(created_at) AS first, MAX(created_at) AS last, COUNT(*) AS n FROM ${table} WHERE packet_id = ?`, [packetId]);
  const firstMs = new Date(row.first).getTime() - startedAtMs;
  const lastMs = new Date(row.last).getTime() - startedAtMs;
  return { firstMs, lastMs, perGrantMs: (lastMs - firstMs) / Math.max(1, toInt(row.n) - 1) };
}

async function countServerGrants(db: DataSource, packetId: string) {
  const [row] = await db.query(
    'SELECT COUNT(*) AS grants, COUNT(DISTINCT user_id) AS users, COUNT(DISTINCT seq) AS shares, COALESCE(SUM(amount_mb), 0) AS sum_mb FROM red_packet_grabs WHERE packet_id = ?',
    [packetId],
  );
  return { grants: toInt(row.grants), distinctUsers: toInt(row.users), distinctShares: toInt(row.shares), sumMb: toInt(row.sum_mb) };
}

/** The real grab path: Redis decides, MySQL records, on the service's own processes. */
export async function runRealStorm(
  stack: BenchStack,
  servers: readonly ServerProcess[],
  sender: BenchUser,
  shape: StormShape,
  round: number,
): Promise<StormRun & { packetId: string; packetStatus: string; recorded: Awaited<ReturnType<typeof recordedSpan>> }> {
  // Idempotency keys are the user's: each round's warm-up uses keys of its own.
  await warmUp(shape, servers, await createPacket(servers[0].url, sender, 1, 1), `warm-${round}`);
  const packetId = await createPacket(servers[0].url, sender, shape.shares, shape.totalMb);
  const run = await stormAndCheck(shape, servers, packetId, `storm-${packetId}`, () => countServerGrants(stack.db, packetId));
  const [packet] = await stack.db.query('SELECT status, remaining_count, remaining_mb FROM red_packets WHERE id = ?', [packetId]);
  if (packet.status !== 'finished' || toInt(packet.remaining_count) !== 0 || toInt(packet.remaining_mb) !== 0) {
    run.grants.problems.push(`the packet is ${packet.status} with ${packet.remaining_count} shares / ${packet.remaining_mb} MB left`);
  }
  return { ...run, packetId, packetStatus: String(packet.status), recorded: await recordedSpan(stack.db, 'red_packet_grabs', packetId, run.startedAtMs) };
}
