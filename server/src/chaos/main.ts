import { FAULTS } from './faults';
import { DEFAULT_PHASE, runPhase, type PhaseResult } from './phase';
import { seedChaosUsers, startChaosStack, type ChaosStack } from './stack';
import { DepositAmounts, Workload } from './workload';

/**
 * `npm run chaos`: its own MariaDB and Redis, the carrier simulator and two service processes;
 * for each fault a bounded load (~100 requests a second) from a client that retries with the
 * same Idempotency-Key, then one Markdown row: what was tried, acknowledged, lost, duplicated,
 * how long the service took to recover, and whether the ledger audit is clean.
 * `npm run chaos -- a c` runs only the faults named.
 */

const USERS = 300;
/** Far more than the load spends in a run: no request is refused for want of data. */
const WALLET_MB = 1_000_000;
const PLAN_MB = 100_000_000;
/** Bound on a whole run; past it the run stops and cleans up. */
const RUN_TIMEOUT_MS = 20 * 60_000;
const WARM_UP_MS = 6_000;

function row(r: PhaseResult): string {
  const t = r.tally.total;
  const recovery = r.recoverySeconds === null ? 'never' : r.recoverySeconds.toFixed(1);
  const audit = r.auditBreaches === null ? 'not run' : r.auditBreaches.length === 0 ? 'clean' : `${r.auditBreaches.length} breach(es)`;
  return `| (${r.fault.id}) ${r.fault.title} | ${t.tried} | ${t.acknowledged} | ${t.lost} | ${t.duplicated} | ${t.answeredWrong} | ${r.exits.length} | ${recovery} | ${audit} |`;
}

function details(r: PhaseResult): string[] {
  const lines: string[] = [];
  const byKind = (['gift', 'deposit', 'packet', 'grab'] as const)
    .map(
      (k) =>
        `${k} ${r.tally[k].acknowledged}/${r.tally[k].tried} acked, lost ${r.tally[k].lost}, dup ${r.tally[k].duplicated}, wrong ${r.tally[k].answeredWrong}, pending ${r.tally[k].pending}`,
    )
    .join('; ');
  lines.push(`- (${r.fault.id}) ${byKind}; ${r.skipped} skipped (load bound); ${(r.durationMs / 1000).toFixed(0)} s`);
  const latencies = r.firstLatencyMs;
  lines.push(`  - first-attempt latency p50 ${latencies.p50} ms, p99 ${latencies.p99} ms`);
  const transport = Object.entries(r.transport)
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
  if (transport) lines.push(`  - attempts without an answer: ${transport}`);
  const during = Object.entries(r.duringFault)
    .sort((x, y) => y[1] - x[1])
    .map(([answer, n]) => `${answer} ×${n}`)
    .join(', ');
  if (during) lines.push(`  - answers to attempts sent during the fault: ${during}`);
  for (const note of r.notes) lines.push(`  - ${note}`);
  for (const example of r.tally.total.examples.slice(0, 6)) lines.push(`  - ${example}`);
  for (const exit of r.exits) lines.push(`  - process ${exit.slot} exited on its own (code ${exit.code}, signal ${exit.signal}): ${lastLines(exit.logTail)}`);
  for (const breach of (r.auditBreaches ?? []).slice(0, 3)) lines.push(`  - audit: ${breach.invariant}: ${breach.detail.slice(0, 200)}`);
  return lines;
}

function lastLines(log: string): string {
  const interesting = log
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-3)
    .join(' ⏎ ');
  return interesting.replace(/\|/g, '/').slice(0, 400);
}

let stack: ChaosStack | null = null;
let closing: Promise<void> | null = null;
/** Whatever ends the run (the last row, an error, Ctrl-C), every instance it started is stopped. */
function shutdown(code: number): Promise<void> {
  closing ??= (stack?.close() ?? Promise.resolve()).finally(() => process.exit(code));
  return closing;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => /^[0a-f]$/.test(a));
  const faults = FAULTS.filter((f) => wanted.length === 0 || wanted.includes(f.id));
  process.once('SIGINT', () => void shutdown(130));
  process.once('SIGTERM', () => void shutdown(143));
  const timer = setTimeout(() => {
    console.error(`chaos: run exceeded ${RUN_TIMEOUT_MS / 60_000} min; stopping`);
    void shutdown(2);
  }, RUN_TIMEOUT_MS);

  console.log('==> starting a private MariaDB, Redis, the carrier simulator and 2 service processes');
  stack = await startChaosStack();
  const users = await seedChaosUsers(stack, { count: USERS, phonePrefix: '139', walletMb: WALLET_MB, planMb: PLAN_MB });
  const amounts = new DepositAmounts();
  // A cold stack (JIT, empty buffer pool, first lots) answers its first seconds slowly: warm it
  // with the same load, unreported, so the control row measures the service and not its start.
  console.log('==> warming up');
  const warm = new Workload(() => stack!.urls(), users, 'warm', amounts);
  warm.start();
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  await warm.stop();

  const results: PhaseResult[] = [];
  for (const fault of faults) {
    console.log(`==> (${fault.id}) ${fault.title}`);
    const result = await runPhase(stack, users, amounts, fault, DEFAULT_PHASE);
    results.push(result);
    console.log(row(result));
  }
  console.log('');
  console.log('| fault | tried | acknowledged | lost | duplicated | answered wrong | exits | recovery s | audit |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) console.log(row(r));
  console.log('');
  for (const r of results) for (const line of details(r)) console.log(line);
  clearTimeout(timer);
  const bad = results.some((r) => r.tally.total.lost + r.tally.total.duplicated > 0 || r.exits.length > 0 || (r.auditBreaches?.length ?? 1) > 0);
  await shutdown(bad ? 1 : 0);
}

main().catch((error: unknown) => {
  // The message only: a failed query's error carries every parameter of it.
  console.error('chaos run failed:', error instanceof Error ? (error.stack ?? error.message).slice(0, 2_000) : error);
  void shutdown(1);
});
