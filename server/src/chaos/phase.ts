import { percentile } from '../bench/load';
import type { SeededUser } from '../test-support/users';
import type { AuditBreach } from '../modules/ledger/audit';
import type { Fault } from './faults';
import type { ChaosStack, ProcessExit } from './stack';
import { recoverySeconds, verifyPhase, type Tally } from './verify';
import { Workload, type DepositAmounts, type WorkloadShape } from './workload';

export interface PhaseOptions {
  /** Load before the fault. */
  warmupMs: number;
  /** Load kept up after the fault ended, to see the service recover. */
  afterMs: number;
  shape?: WorkloadShape;
}

export const DEFAULT_PHASE: PhaseOptions = { warmupMs: 4_000, afterMs: 10_000 };

export interface PhaseResult {
  fault: Fault;
  tally: Tally;
  skipped: number;
  exits: ProcessExit[];
  recoverySeconds: number | null;
  auditBreaches: AuditBreach[] | null;
  /** Attempts that got no HTTP answer, by cause (ECONNREFUSED never reached a process; others did). */
  transport: Record<string, number>;
  /** Every attempt sent while the fault lasted, by its answer. */
  duringFault: Record<string, number>;
  notes: string[];
  durationMs: number;
  firstLatencyMs: { p50: number; p99: number };
}

/** Bound on waiting for background jobs to settle what a fault left pending. */
const SETTLE_TIMEOUT_MS = 40_000;
/** Bound on waiting for the database to answer the verifier after a restart. */
const VERIFIER_WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilTrue(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

/**
 * One row of the chaos report: load, fault, more load, then every request's final answer set
 * beside the database, the carrier's records and the ledger audit.
 */
export async function runPhase(
  stack: ChaosStack,
  users: readonly SeededUser[],
  amounts: DepositAmounts,
  fault: Fault,
  options: PhaseOptions = DEFAULT_PHASE,
): Promise<PhaseResult> {
  const startedAt = Date.now();
  await stack.sim.setFaults({});
  const exitsBefore = stack.exits.length;
  const load = new Workload(() => stack.urls(), users, `${fault.id}${startedAt.toString(36)}`, amounts, options.shape);
  load.start();
  let notes: string[] = [];
  let faultEndedAt: number;
  let faultStartedAt: number;
  let loadStoppedAt: number;
  try {
    await sleep(options.warmupMs);
    faultStartedAt = Date.now();
    notes = (await fault.inject(stack, load)).notes;
    faultEndedAt = Date.now();
    await sleep(options.afterMs);
  } finally {
    loadStoppedAt = Date.now();
    await load.stop();
  }
  // Processes that died on their own are restarted, as an orchestrator would, so jobs can settle.
  await stack.reviveExited();
  await untilTrue(VERIFIER_WAIT_MS, async () => (await stack.sql.query('SELECT 1')).length === 1);
  const settled = await untilTrue(SETTLE_TIMEOUT_MS, async () => {
    const [row] = await stack.sql.query(`SELECT COUNT(*) AS n FROM deposits WHERE status = 'pending'`);
    return Number(row.n) === 0;
  });
  if (!settled) notes.push(`deposits still pending after ${SETTLE_TIMEOUT_MS / 1000} s of settling`);

  const tally = await verifyPhase(stack.sql, stack.sim, load.ops);
  const auditBreaches = await stack.audit().catch((error: unknown) => {
    notes.push(`audit could not run: ${(error as Error).message}`);
    return null;
  });
  const transport: Record<string, number> = {};
  const duringFault: Record<string, number> = {};
  for (const op of load.ops) {
    for (const a of op.outcome?.attempts ?? []) {
      if (a.transport) transport[a.transport] = (transport[a.transport] ?? 0) + 1;
      if (a.sentAt < faultStartedAt || a.sentAt > faultEndedAt) continue;
      const answer = a.transport || `${a.status}${a.errorCode ? ` ${a.errorCode}` : ''}${a.status >= 500 ? (a.retryAfter === null ? ' no Retry-After' : ' Retry-After') : ''}`;
      duringFault[answer] = (duringFault[answer] ?? 0) + 1;
    }
  }
  const firsts = Float64Array.from(load.ops.map((op) => op.outcome?.attempts[0]?.latencyMs ?? 0)).sort();
  return {
    fault,
    firstLatencyMs: { p50: Math.round(percentile(firsts, 50)), p99: Math.round(percentile(firsts, 99)) },
    tally,
    skipped: load.skipped,
    exits: stack.exits.slice(exitsBefore),
    recoverySeconds: recoverySeconds(load.ops, faultEndedAt, loadStoppedAt),
    auditBreaches,
    transport,
    duringFault,
    notes,
    durationMs: Date.now() - startedAt,
  };
}
