import { cpus, totalmem } from 'node:os';
import type { ServerProcess } from '../test-support/processes';
import { startBenchStack, type BenchStack, type BenchUser } from './stack';
import { runRealStorm, type StormShape } from './storm';
import { runBareKoa, runNaiveGrab } from './http-baselines';
import { runBareFanout, runFanout } from './fanout';
import { prepareGiftSenders, runGifts, runUpdateBaseline } from './gifts';
import { parseOptions, type Options } from './options';
import { fmtMs, fmtRate, fmtRatio, limitOf, renderTable, writeJson, yesNo, type Row } from './report';

/**
 * `npm run bench`: the grab storm against its two baselines, live fan-out against bare
 * socket.io, and gift throughput against bare MySQL transactions, all in one run on this
 * machine. Exits 1 when a correctness check fails (grants, lost events, ledger audit);
 * targets that are missed are reported with what limited them, not fatal.
 */

/** The whole run is bounded: past this, everything started is stopped and the bench fails. */
const RUN_TIMEOUT_MS = 15 * 60_000;
const MB_PER_STORM_SHARE = 100;
const TARGET_OF_BARE = 0.5;
const TARGET_OF_NAIVE = 5;
const TARGET_FANOUT_P99_MS = 200;

/** What every scenario shares, and where it puts what it found. */
interface Bench {
  options: Options;
  stack: BenchStack;
  users: BenchUser[];
  sender: BenchUser;
  /** The service processes under test, started on first use (after the storm's baselines). */
  servers(): Promise<ServerProcess[]>;
  rows: Row[];
  notes: string[];
  problems: string[];
  results: Record<string, unknown>;
}

const pair = (a: number, b: number) => `${fmtMs(a)} / ${fmtMs(b)}`;
const ratios = (a: number, b: number, of: string) => `${a.toFixed(2)} / ${b.toFixed(2)} × ${of}`;
/** CPU the named group spent per request, in ms: what one request costs, whatever the machine's other load. */
const cpuMsEach = (cpu: Record<string, number>, group: string, elapsedMs: number, count: number) => ((cpu[group] ?? 0) / 100) * (elapsedMs / count);
/** When the first and last grant were recorded, from the storm's start, and the time per grant between them. */
const spanOf = (r: { firstMs: number; lastMs: number; perGrantMs: number }) => `+${fmtMs(r.firstMs)} … +${fmtMs(r.lastMs)} ms, ${fmtMs(r.perGrantMs)} ms each`;

async function benchStorm(bench: Bench): Promise<void> {
  const { options, stack, users, sender } = bench;
  const p = options.processes;
  const totalMb = options.shares * MB_PER_STORM_SHARE;
  const warmUsers = await stack.seed(2 * options.concurrency, '136');
  const shape: StormShape = { attempts: options.attempts, concurrency: options.concurrency, shares: options.shares, totalMb, users, warmUsers };
  console.log(`==> baseline: bare Koa, ${p} processes`);
  const bare = await runBareKoa(shape, p);
  console.log(`==> baseline: naive MySQL grab, ${p} processes`);
  const naive = await runNaiveGrab(stack, shape, p);
  const servers = await bench.servers();
  console.log(`==> grab storm: ${options.attempts} attempts by ${options.users} users, ${options.concurrency} in flight`);
  const storm = await runRealStorm(stack, servers, sender, shape);
  bench.problems.push(...naive.grants.problems.map((x) => `naive grab: ${x}`), ...storm.grants.problems.map((x) => `grab storm: ${x}`));
  const ofBare = storm.load.perSecond / bare.load.perSecond;
  const ofNaive = storm.load.perSecond / naive.load.perSecond;
  const [s, n, g] = [storm, naive, storm.grants];
  const cpuEach = { bare: cpuMsEach(bare.cpu, 'servers', bare.load.elapsedMs, bare.load.count), naive: cpuMsEach(n.cpu, 'servers', n.load.elapsedMs, n.load.count), storm: cpuMsEach(s.cpu, 'servers', s.load.elapsedMs, s.load.count) };
  bench.rows.push(
    [`bare Koa ×${p} (HTTP ceiling)`, 'requests/s', fmtRate(bare.load.perSecond), '1.00 (baseline)', '', ''],
    ['', 'latency p50 / p99 ms', pair(bare.load.p50Ms, bare.load.p99Ms), '', '', ''],
    ['', 'server CPU per request', `${cpuEach.bare.toFixed(2)} ms`, '', '', ''],
    [`naive MySQL grab ×${p}`, 'attempts/s', fmtRate(n.load.perSecond), '1.00 (baseline)', '', ''],
    ['', 'latency p50 / p99 ms', pair(n.load.p50Ms, n.load.p99Ms), '', '', ''],
    ['', '  winners / losers p99', pair(n.winners.p99Ms, n.losers.p99Ms), '', '', ''],
    ['', '  losers: 1st / later try p99', pair(n.losersFirst.p99Ms, n.losersLater.p99Ms), '', '', ''],
    ['', 'server CPU per attempt', `${cpuEach.naive.toFixed(2)} ms`, '', '', ''],
    ['', 'grants recorded at', spanOf(n.recorded), '', '', ''],
    ['', 'grants', `${n.grants.grants}, ${n.grants.sumMb} MB`, '', `${options.shares}, ${totalMb} MB`, yesNo(n.grants.problems.length === 0)],
    [`grab storm ×${p} (service)`, 'attempts/s', fmtRate(s.load.perSecond), fmtRatio(ofBare, 'bare Koa'), `≥ ${TARGET_OF_BARE} ×`, yesNo(ofBare >= TARGET_OF_BARE)],
    ['', '', '', fmtRatio(ofNaive, 'naive'), `≥ ${TARGET_OF_NAIVE} ×`, yesNo(ofNaive >= TARGET_OF_NAIVE)],
    ['', 'latency p50 / p99 ms', pair(s.load.p50Ms, s.load.p99Ms), ratios(s.load.p50Ms / bare.load.p50Ms, s.load.p99Ms / bare.load.p99Ms, 'bare Koa'), '', ''],
    ['', '', '', ratios(s.load.p50Ms / n.load.p50Ms, s.load.p99Ms / n.load.p99Ms, 'naive'), '', ''],
    ['', '  winners / losers p99', pair(s.winners.p99Ms, s.losers.p99Ms), ratios(s.winners.p99Ms / n.winners.p99Ms, s.losers.p99Ms / n.losers.p99Ms, 'naive'), '', ''],
    ['', '  losers: 1st / later try p99', pair(s.losersFirst.p99Ms, s.losersLater.p99Ms), ratios(s.losersFirst.p99Ms / n.losersFirst.p99Ms, s.losersLater.p99Ms / n.losersLater.p99Ms, 'naive'), '', ''],
    ['', 'server CPU per attempt', `${cpuEach.storm.toFixed(2)} ms`, `${(cpuEach.storm / cpuEach.bare).toFixed(1)} × bare Koa, ${(cpuEach.storm / cpuEach.naive).toFixed(1)} × naive`, '', ''],
    ['', 'grants recorded at', spanOf(s.recorded), `${(s.recorded.perGrantMs / n.recorded.perGrantMs).toFixed(1)} × naive per grant`, '', ''],
    ['', 'grants (MySQL)', `${g.grants}, ${g.sumMb} MB, ${g.distinctUsers} users`, '', `${options.shares}, ${totalMb} MB, nobody twice`, yesNo(g.problems.length === 0)],
    ['', 'answers', Object.entries(s.load.outcomes).map(([k, count]) => `${k}: ${count}`).join(', '), '', '', ''],
  );
  bench.notes.push(`bare Koa: ${limitOf(bare.cpu)}`, `naive grab: ${limitOf(n.cpu)}`, `grab storm: ${limitOf(s.cpu)}`);
  if (ofBare < TARGET_OF_BARE || ofNaive < TARGET_OF_NAIVE) {
    bench.notes.push(
      `grab storm below target: each attempt costs the service ${cpuEach.storm.toFixed(2)} ms of CPU against ${cpuEach.bare.toFixed(2)} ms for bare Koa, on ${cpus().length} cores shared with the load generator, MySQL and Redis; ` +
        `the ${g.grants} winners are recorded one after another under the packet's row lock, ${fmtMs(s.recorded.perGrantMs)} ms each (naive: ${fmtMs(n.recorded.perGrantMs)} ms)`,
    );
  }
  bench.results.storm = { bare, naive, storm, ratioOfBare: ofBare, ratioOfNaive: ofNaive };
}

async function benchFanout(bench: Bench): Promise<void> {
  const { options, users, sender } = bench;
  const p = options.processes;
  const shape = { clients: options.clients, grabs: options.fanoutGrabs, grabsPerSecond: options.grabsPerSecond, users };
  console.log(`==> baseline: bare socket.io, ${p} processes, ${options.clients} clients, ${options.fanoutGrabs} events at ${options.grabsPerSecond}/s`);
  const floor = await runBareFanout(shape, p);
  console.log(`==> fan-out: ${options.clients} live clients, ${options.fanoutGrabs} grabs at ${options.grabsPerSecond}/s`);
  const fan = await runFanout(await bench.servers(), sender, shape);
  bench.problems.push(...floor.problems.map((x) => `bare socket.io: ${x}`), ...fan.problems.map((x) => `fan-out: ${x}`));
  const lost = (r: typeof fan): Row => ['', 'events lost', `${r.lostEvents} of ${r.expectedEvents}`, `${r.duplicateEvents} duplicates`, '0', yesNo(r.lostEvents === 0 && r.duplicateEvents === 0)];
  bench.rows.push(
    [`bare socket.io ×${p} (floor)`, 'delivery p50 / p99 ms', pair(floor.p50Ms, floor.p99Ms), '1.00 (baseline)', '', ''],
    lost(floor),
    [`fan-out ×${p}: ${fan.clients} clients`, 'delivery p50 / p99 ms', pair(fan.p50Ms, fan.p99Ms), ratios(fan.p50Ms / floor.p50Ms, fan.p99Ms / floor.p99Ms, 'bare socket.io'), `p99 < ${TARGET_FANOUT_P99_MS}`, yesNo(fan.p99Ms < TARGET_FANOUT_P99_MS)],
    lost(fan),
  );
  bench.notes.push(
    `bare socket.io: ${floor.events} events over ${floor.sendSeconds.toFixed(1)} s to ${floor.clients} clients; ${limitOf(floor.cpu)}`,
    `fan-out: ${fan.events} grabs over ${fan.sendSeconds.toFixed(1)} s (${options.grabsPerSecond}/s, each to ${fan.clients} clients, connected and subscribed in ${fan.connectSeconds.toFixed(1)} s); ${limitOf(fan.cpu)}`,
  );
  bench.results.fanout = { floor, fan };
}

async function benchGifts(bench: Bench): Promise<void> {
  const { options, stack, users } = bench;
  const p = options.processes;
  console.log(`==> gifts: ${options.gifts} gifts from ${options.concurrency} senders, ${options.concurrency} in flight`);
  const shape = { gifts: options.gifts, concurrency: options.concurrency, recipients: users };
  const servers = await bench.servers();
  const senders = await prepareGiftSenders(stack, shape, servers[0]);
  const baseline = await runUpdateBaseline(stack, shape, p);
  const gifts = await runGifts(stack, servers, senders, shape);
  bench.problems.push(...gifts.problems.map((x) => `gifts: ${x}`));
  const ratio = gifts.load.perSecond / baseline.perSecond;
  const giftCpu = cpuMsEach(gifts.cpu, 'servers', gifts.load.elapsedMs, gifts.load.count);
  const giftMysqlCpu = cpuMsEach(gifts.cpu, 'mysql', gifts.load.elapsedMs, gifts.load.count);
  const txMysqlCpu = cpuMsEach(baseline.cpu, 'mysql', baseline.elapsedMs, baseline.count);
  bench.rows.push(
    [`bare UPDATE tx (${baseline.connections} conns)`, 'transactions/s', fmtRate(baseline.perSecond), '1.00 (baseline)', '', ''],
    ['', 'latency p50 / p99 ms', pair(baseline.p50Ms, baseline.p99Ms), '', '', ''],
    ['', 'MySQL CPU per transaction', `${txMysqlCpu.toFixed(2)} ms`, '', '', ''],
    [`gifts ×${p} (service)`, 'gifts/s', fmtRate(gifts.load.perSecond), fmtRatio(ratio, 'bare UPDATE tx'), '', ''],
    ['', 'latency p50 / p99 ms', pair(gifts.load.p50Ms, gifts.load.p99Ms), ratios(gifts.load.p50Ms / baseline.p50Ms, gifts.load.p99Ms / baseline.p99Ms, 'bare UPDATE tx'), '', ''],
    ['', 'MySQL / server CPU per gift', `${giftMysqlCpu.toFixed(2)} / ${giftCpu.toFixed(2)} ms`, `${(giftMysqlCpu / txMysqlCpu).toFixed(1)} × bare UPDATE tx (MySQL)`, '', ''],
  );
  bench.notes.push(`bare UPDATE tx: ${limitOf(baseline.cpu)}`, `gifts: ${limitOf(gifts.cpu)}`);
  bench.results.gifts = { baseline, gifts, ratio };
}

async function machineFacts(stack: BenchStack) {
  const [version] = await stack.db.query('SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS flush');
  const redisInfo = await stack.setup.server.deps.redis.info('server');
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    mysql: String(version.v),
    innodbFlushLogAtTrxCommit: Number(version.flush),
    redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? 'unknown',
  };
}

async function run(options: Options, stack: BenchStack): Promise<number> {
  const started = Date.now();
  const machine = await machineFacts(stack);
  console.log(`==> ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, MariaDB ${machine.mysql}, Redis ${machine.redis}; database ${stack.databaseName}`);
  console.log(`==> seeding ${options.users} users and a funded sender`);
  const users = await stack.seed(options.users, '139');
  const [sender] = await stack.seed(1, '1380');
  // The storm's packet, its warm-up packet and the fan-out packet, all funded by one deposit.
  await stack.fund([sender], options.shares * MB_PER_STORM_SHARE + options.fanoutGrabs * MB_PER_STORM_SHARE + 10, stack.setup.client);
  let servers: Promise<ServerProcess[]> | null = null;
  const bench: Bench = { options, stack, users, sender, servers: () => (servers ??= stack.spawnServers(options.processes)), rows: [], notes: [], problems: [], results: { options, machine } };

  if (options.only.includes('storm')) await benchStorm(bench);
  if (options.only.includes('fanout')) await benchFanout(bench);
  if (options.only.includes('gifts')) await benchGifts(bench);
  console.log('==> ledger audit of the bench database');
  await stack.audit().catch((error: unknown) => bench.problems.push(`ledger audit: ${(error as Error).message}`));

  const seconds = (Date.now() - started) / 1000;
  console.log(`\nLiuliang bench — ${machine.cores} cores, Node ${machine.node}, MariaDB ${machine.mysql}, Redis ${machine.redis}, ${options.quick ? 'quick' : 'full'} run, ${options.concurrency} in flight, ${seconds.toFixed(0)} s\n`);
  console.log(renderTable(bench.rows));
  console.log(`\nWhere the CPU went (% of one core; load generator = this process):\n${bench.notes.map((n) => `  - ${n}`).join('\n')}`);
  console.log(`\nJSON: ${writeJson({ ...bench.results, problems: bench.problems, seconds })}`);
  if (bench.problems.length === 0) return 0;
  console.error(`\nFAILED correctness checks:\n${bench.problems.map((x) => `  - ${x}`).join('\n')}`);
  return 1;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  const stack = await startBenchStack();
  let closing: Promise<void> | null = null;
  const closeOnce = () => (closing ??= stack.close());
  const abort = (why: string) => {
    console.error(`\nbench stopped: ${why}; cleaning up`);
    void closeOnce().finally(() => process.exit(2));
  };
  const watchdog = setTimeout(() => abort(`it ran past ${RUN_TIMEOUT_MS / 60_000} minutes`), RUN_TIMEOUT_MS);
  process.once('SIGINT', () => abort('SIGINT'));
  process.once('SIGTERM', () => abort('SIGTERM'));
  process.once('uncaughtException', (error) => abort(`uncaught ${error.stack ?? error.message}`));
  // A reader that goes away (`| head`) must not crash the bench before it has cleaned up.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  let status: number;
  try {
    status = await run(options, stack);
  } finally {
    clearTimeout(watchdog);
    await closeOnce();
  }
  process.exit(status);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
