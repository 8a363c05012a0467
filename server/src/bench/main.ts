import { cpus, totalmem } from 'node:os';
import { startBenchStack, type BenchStack } from './stack';
import { runRealStorm, type StormShape } from './storm';
import { runBareKoa, runNaiveGrab } from './http-baselines';
import { runBareFanout, runFanout } from './fanout';
import { prepareGiftSenders, runGifts, runUpdateBaseline } from './gifts';
import { fmtMs, fmtRate, fmtRatio, limitOf, renderTable, writeJson, yesNo, type Row } from './report';

/**
 * `npm run bench`: the grab storm against its two baselines, live fan-out, and gift throughput
 * against bare MySQL transactions, all in one run on this machine. Exits 1 when a correctness
 * check fails (grants, lost events); targets that are missed are reported, not fatal.
 */

const SCENARIOS = ['storm', 'fanout', 'gifts'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Options {
  quick: boolean;
  only: Scenario[];
  processes: number;
  concurrency: number;
  attempts: number;
  users: number;
  shares: number;
  clients: number;
  fanoutGrabs: number;
  grabsPerSecond: number;
  gifts: number;
}

/** The whole run is bounded: past this, everything started is stopped and the bench fails. */
const RUN_TIMEOUT_MS = 15 * 60_000;
const MB_PER_STORM_SHARE = 100;
const TARGET_OF_BARE = 0.5;
const TARGET_OF_NAIVE = 5;
const TARGET_FANOUT_P99_MS = 200;

function parseOptions(argv: readonly string[]): Options {
  const flags = new Map(argv.map((a) => a.replace(/^--/, '').split('=') as [string, string | undefined]));
  const known = new Set(['quick', 'only', 'processes', 'concurrency', 'attempts', 'users', 'shares', 'clients', 'fanout-grabs', 'grab-rate', 'gifts', 'help']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown flag --${name}; known: ${[...known].map((k) => `--${k}`).join(' ')}`);
  if (flags.has('help')) {
    console.log('npm run bench -- [--quick] [--only=storm,fanout,gifts] [--processes=2] [--concurrency=256] [--attempts=20000] [--users=5000] [--shares=200] [--clients=2000] [--fanout-grabs=200] [--grab-rate=20] [--gifts=4000]');
    process.exit(0);
  }
  const quick = flags.has('quick');
  const int = (name: string, full: number, small: number, min: number, max: number) => {
    const raw = flags.get(name);
    const value = raw === undefined ? (quick ? small : full) : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer in ${min} … ${max}`);
    return value;
  };
  const only = (flags.get('only') ?? SCENARIOS.join(',')).split(',').map((s) => s.trim());
  for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only takes ${SCENARIOS.join(', ')}`);
  const options: Options = {
    quick,
    only: only as Scenario[],
    processes: int('processes', 2, 2, 1, 8),
    concurrency: int('concurrency', 256, 128, 1, 2048),
    attempts: int('attempts', 20_000, 4_000, 1, 200_000),
    users: int('users', 5_000, 1_000, 2, 50_000),
    shares: int('shares', 200, 200, 1, 200),
    clients: int('clients', 2_000, 500, 1, 10_000),
    fanoutGrabs: int('fanout-grabs', 200, 100, 1, 200),
    grabsPerSecond: int('grab-rate', 20, 20, 1, 1_000),
    gifts: int('gifts', 4_000, 1_000, 1, 100_000),
  };
  if (options.attempts < options.shares) throw new Error('--attempts must be at least --shares');
  if (options.only.includes('fanout') && options.users < options.clients + options.fanoutGrabs) throw new Error('--users must cover --clients plus --fanout-grabs');
  return options;
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

async function run(options: Options, stack: BenchStack) {
  const started = Date.now();
  const machine = await machineFacts(stack);
  console.log(`==> ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, MariaDB ${machine.mysql}, Redis ${machine.redis}; database ${stack.databaseName}`);
  const rows: Row[] = [];
  const notes: string[] = [];
  const problems: string[] = [];
  const results: Record<string, unknown> = { options, machine };

  console.log(`==> seeding ${options.users} users and a funded sender`);
  const users = await stack.seed(options.users, '139');
  const [sender] = await stack.seed(1, '1380');
  const stormMb = options.shares * MB_PER_STORM_SHARE;
  await stack.fund([sender], 2 * stormMb + options.fanoutGrabs * MB_PER_STORM_SHARE + 10, stack.setup.client);
  const shape: StormShape = { attempts: options.attempts, concurrency: options.concurrency, shares: options.shares, totalMb: stormMb, users };
  const p = options.processes;

  let bare: Awaited<ReturnType<typeof runBareKoa>> | null = null;
  let naive: Awaited<ReturnType<typeof runNaiveGrab>> | null = null;
  if (options.only.includes('storm')) {
    console.log(`==> baseline: bare Koa, ${p} processes`);
    bare = await runBareKoa(shape, p);
    console.log(`==> baseline: naive MySQL grab, ${p} processes`);
    naive = await runNaiveGrab(stack, shape, p);
    problems.push(...naive.grants.problems.map((x) => `naive grab: ${x}`));
  }

  console.log(`==> starting ${p} service processes`);
  const servers = await stack.spawnServers(p);

  if (bare && naive) {
    console.log(`==> grab storm: ${options.attempts} attempts by ${options.users} users, ${options.concurrency} in flight`);
    const storm = await runRealStorm(stack, servers, sender, shape);
    problems.push(...storm.grants.problems.map((x) => `grab storm: ${x}`));
    const ofBare = storm.load.perSecond / bare.load.perSecond;
    const ofNaive = storm.load.perSecond / naive.load.perSecond;
    const g = storm.grants;
    rows.push(
      [`bare Koa ×${p} (HTTP ceiling)`, 'requests/s', fmtRate(bare.load.perSecond), '1.00 (baseline)', '', ''],
      ['', 'latency p50 / p99 ms', `${fmtMs(bare.load.p50Ms)} / ${fmtMs(bare.load.p99Ms)}`, '', '', ''],
      [`naive MySQL grab ×${p}`, 'attempts/s', fmtRate(naive.load.perSecond), '1.00 (baseline)', '', ''],
      ['', 'latency p50 / p99 ms', `${fmtMs(naive.load.p50Ms)} / ${fmtMs(naive.load.p99Ms)}`, '', '', ''],
      ['', '  winners / losers p99', `${fmtMs(naive.winners.p99Ms)} / ${fmtMs(naive.losers.p99Ms)}`, '', '', ''],
      ['', 'grants', `${naive.grants.grants}, ${naive.grants.sumMb} MB`, '', `${options.shares}, ${stormMb} MB`, yesNo(naive.grants.problems.length === 0)],
      [`grab storm ×${p} (service)`, 'attempts/s', fmtRate(storm.load.perSecond), fmtRatio(ofBare, 'bare Koa'), `≥ ${TARGET_OF_BARE} ×`, yesNo(ofBare >= TARGET_OF_BARE)],
      ['', '', '', fmtRatio(ofNaive, 'naive'), `≥ ${TARGET_OF_NAIVE} ×`, yesNo(ofNaive >= TARGET_OF_NAIVE)],
      ['', 'latency p50 / p99 ms', `${fmtMs(storm.load.p50Ms)} / ${fmtMs(storm.load.p99Ms)}`, `${(storm.load.p50Ms / bare.load.p50Ms).toFixed(1)} / ${(storm.load.p99Ms / bare.load.p99Ms).toFixed(1)} × bare Koa`, '', ''],
      ['', '', '', `${(storm.load.p50Ms / naive.load.p50Ms).toFixed(2)} / ${(storm.load.p99Ms / naive.load.p99Ms).toFixed(2)} × naive`, '', ''],
      ['', '  winners / losers p99', `${fmtMs(storm.winners.p99Ms)} / ${fmtMs(storm.losers.p99Ms)}`, `${(storm.winners.p99Ms / naive.winners.p99Ms).toFixed(2)} / ${(storm.losers.p99Ms / naive.losers.p99Ms).toFixed(2)} × naive`, '', ''],
      ['', 'grants (MySQL)', `${g.grants}, ${g.sumMb} MB, ${g.distinctUsers} users`, '', `${options.shares}, ${stormMb} MB, nobody twice`, yesNo(g.problems.length === 0)],
      ['', 'answers', Object.entries(storm.load.outcomes).map(([k, n]) => `${k}: ${n}`).join(', '), '', '', ''],
    );
    notes.push(`bare Koa: ${limitOf(bare.cpu)}`, `naive grab: ${limitOf(naive.cpu)}`, `grab storm: ${limitOf(storm.cpu)}`);
    results.storm = { bare, naive, storm, ratioOfBare: ofBare, ratioOfNaive: ofNaive };
  }

  if (options.only.includes('fanout')) {
    const fanShape = { clients: options.clients, grabs: options.fanoutGrabs, grabsPerSecond: options.grabsPerSecond, users };
    console.log(`==> baseline: bare socket.io, ${p} processes, ${options.clients} clients, ${options.fanoutGrabs} events at ${options.grabsPerSecond}/s`);
    const floor = await runBareFanout(fanShape, p);
    problems.push(...floor.problems.map((x) => `bare socket.io: ${x}`));
    console.log(`==> fan-out: ${options.clients} live clients, ${options.fanoutGrabs} grabs at ${options.grabsPerSecond}/s`);
    const fan = await runFanout(servers, sender, fanShape);
    problems.push(...fan.problems.map((x) => `fan-out: ${x}`));
    rows.push(
      [`bare socket.io ×${p} (floor)`, 'delivery p50 / p99 ms', `${fmtMs(floor.p50Ms)} / ${fmtMs(floor.p99Ms)}`, '1.00 (baseline)', '', ''],
      ['', 'events lost', `${floor.lostEvents} of ${floor.expectedEvents}`, `${floor.duplicateEvents} duplicates`, '0', yesNo(floor.lostEvents === 0 && floor.duplicateEvents === 0)],
      [`fan-out ×${p}: ${fan.clients} clients`, 'delivery p50 / p99 ms', `${fmtMs(fan.p50Ms)} / ${fmtMs(fan.p99Ms)}`, `${(fan.p50Ms / floor.p50Ms).toFixed(1)} / ${(fan.p99Ms / floor.p99Ms).toFixed(1)} × bare socket.io`, `p99 < ${TARGET_FANOUT_P99_MS}`, yesNo(fan.p99Ms < TARGET_FANOUT_P99_MS)],
      ['', 'events lost', `${fan.lostEvents} of ${fan.expectedEvents}`, `${fan.duplicateEvents} duplicates`, '0', yesNo(fan.lostEvents === 0 && fan.duplicateEvents === 0)],
    );
    notes.push(
      `bare socket.io: ${floor.events} events over ${floor.sendSeconds.toFixed(1)} s to ${floor.clients} clients; ${limitOf(floor.cpu)}`,
      `fan-out: ${fan.events} grabs over ${fan.sendSeconds.toFixed(1)} s (${options.grabsPerSecond}/s, each to ${fan.clients} clients, connected and subscribed in ${fan.connectSeconds.toFixed(1)} s); ${limitOf(fan.cpu)}`,
    );
    results.fanout = { floor, fan };
  }

  if (options.only.includes('gifts')) {
    console.log(`==> gifts: ${options.gifts} gifts from ${options.concurrency} senders, ${options.concurrency} in flight`);
    const giftShape = { gifts: options.gifts, concurrency: options.concurrency, recipients: users };
    const senders = await prepareGiftSenders(stack, giftShape, servers[0]);
    const baseline = await runUpdateBaseline(stack, giftShape, p);
    const gifts = await runGifts(stack, servers, senders, giftShape);
    problems.push(...gifts.problems.map((x) => `gifts: ${x}`));
    rows.push(
      [`bare UPDATE tx (${baseline.connections} conns)`, 'transactions/s', fmtRate(baseline.perSecond), '1.00 (baseline)', '', ''],
      ['', 'latency p50 / p99 ms', `${fmtMs(baseline.p50Ms)} / ${fmtMs(baseline.p99Ms)}`, '', '', ''],
      [`gifts ×${p} (service)`, 'gifts/s', fmtRate(gifts.load.perSecond), fmtRatio(gifts.load.perSecond / baseline.perSecond, 'bare UPDATE tx'), '', ''],
      ['', 'latency p50 / p99 ms', `${fmtMs(gifts.load.p50Ms)} / ${fmtMs(gifts.load.p99Ms)}`, `${(gifts.load.p50Ms / baseline.p50Ms).toFixed(1)} / ${(gifts.load.p99Ms / baseline.p99Ms).toFixed(1)} × bare UPDATE tx`, '', ''],
    );
    notes.push(`bare UPDATE tx: ${limitOf(baseline.cpu)}`, `gifts: ${limitOf(gifts.cpu)}`);
    results.gifts = { baseline, gifts, ratio: gifts.load.perSecond / baseline.perSecond };
  }

  console.log('==> ledger audit of the bench database');
  await stack.audit().catch((error: unknown) => problems.push(`ledger audit: ${(error as Error).message}`));

  const seconds = (Date.now() - started) / 1000;
  console.log(`\nLiuliang bench — ${machine.cores} cores, Node ${machine.node}, MariaDB ${machine.mysql}, Redis ${machine.redis}, ${options.quick ? 'quick' : 'full'} run, ${options.concurrency} in flight, ${seconds.toFixed(0)} s\n`);
  console.log(renderTable(rows));
  console.log(`\nWhere the CPU went (% of one core; load generator = this process):\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  results.problems = problems;
  results.seconds = seconds;
  console.log(`\nJSON: ${writeJson(results)}`);
  if (problems.length > 0) {
    console.error(`\nFAILED correctness checks:\n${problems.map((x) => `  - ${x}`).join('\n')}`);
    return 1;
  }
  return 0;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
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
  let status = 1;
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
