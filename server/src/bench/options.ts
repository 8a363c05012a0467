/** The bench's flags: `npm run bench -- --quick --only=storm`. Every size has a bound. */

export const SCENARIOS = ['storm', 'fanout', 'gifts'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Options {
  quick: boolean;
  /** Each scenario runs its baselines and itself this many times; the table shows the median. */
  rounds: number;
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

const USAGE =
  'npm run bench -- [--quick] [--rounds=3] [--only=storm,fanout,gifts] [--processes=2] [--concurrency=256] [--attempts=20000] [--users=5000] [--shares=200] [--clients=2000] [--fanout-grabs=200] [--grab-rate=20] [--gifts=4000]';

/** Returns null when the caller asked for --help (the usage has been printed). */
export function parseOptions(argv: readonly string[]): Options | null {
  const flags = new Map(argv.map((a) => a.replace(/^--/, '').split('=') as [string, string | undefined]));
  const known = new Set(['quick', 'rounds', 'only', 'processes', 'concurrency', 'attempts', 'users', 'shares', 'clients', 'fanout-grabs', 'grab-rate', 'gifts', 'help']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown flag --${name}\n${USAGE}`);
  if (flags.has('help')) {
    console.log(USAGE);
    return null;
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
    rounds: int('rounds', 3, 3, 1, 9),
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
