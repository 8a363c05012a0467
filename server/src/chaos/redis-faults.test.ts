import type { SeededUser } from '../test-support/users';
import { sendWithRetries, type Outcome } from './client';
import { flushRedis } from './faults';
import { seedChaosUsers, startChaosStack, type ChaosStack, type ProcessExit } from './stack';
import { createPacket, grabCreditsOf, grabsOf, grabStorm, sleep } from './scenario';

/**
 * Redis lost under a grab storm over two real service processes (SPEC §3.3: grabbing stays
 * correct when Redis restarts; SPEC §4: a committed request's retry gets the first outcome).
 * Needs `npm run build -w server` first.
 */

const TEST_TIMEOUT_MS = 200_000;
const SHARES = 40;
const GRABBERS = 80;
const REDIS_DOWN_MS = 2_000;

let stack: ChaosStack;
let users: SeededUser[];

beforeAll(async () => {
  stack = await startChaosStack();
  users = await seedChaosUsers(stack, { count: GRABBERS + 1, phonePrefix: '135', walletMb: 100_000 });
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

afterEach(async () => {
  if (!stack.redis.running()) await stack.redis.start();
  await stack.reviveExited();
}, 100_000);

/** The line that names why a process died, not the stack frames under it. */
const describeExit = (exit: ProcessExit) =>
  `process ${exit.slot} exited (${exit.code ?? exit.signal}): ${
    exit.logTail
      .split('\n')
      .find((line) => /Error/.test(line))
      ?.trim() ?? exit.logTail.slice(-300)
  }`;

const FAULTS: Array<[string, (stack: ChaosStack) => Promise<void>]> = [
  [
    'killed (its AOF kept) and restarted',
    async (s) => {
      await s.redis.kill();
      await sleep(REDIS_DOWN_MS);
      await s.redis.start();
    },
  ],
  ['wiped (FLUSHALL)', (s) => flushRedis(s.redis.url)],
];

describe.each(FAULTS)('Redis %s during a grab storm over two processes', (name, fault) => {
  it(
    'keeps every process up, answers each committed grab with its {amountMb, rank} again on a same-key retry, pays no one twice, and the audit is clean',
    async () => {
      const tag = name.split(' ')[0];
      const exitsBefore = stack.exits.length;
      const packetId = await createPacket(stack, users[0], SHARES, SHARES * 10, `storm-${tag}`);
      const storm = grabStorm(stack, users.slice(1, 1 + GRABBERS), packetId, `grab-${tag}`);
      await sleep(30);
      await fault(stack);
      const outcomes: Outcome[] = await Promise.all(storm.map((s) => s.outcome));

      const committed = await grabsOf(stack, packetId);
      const credits = await grabCreditsOf(stack, packetId);
      const answeredWrong = storm
        .map((s, i) => ({ user: s.user.userId, committedMb: committed.get(s.user.userId), status: outcomes[i].status, body: outcomes[i].body }))
        .filter((g) => g.committedMb !== undefined && !(g.status === 200 && g.body?.amountMb === g.committedMb));
      const lost = storm.map((s, i) => ({ user: s.user.userId, outcome: outcomes[i] })).filter((g) => g.outcome.acknowledged && !committed.has(g.user));
      const paidTwice = [...credits.entries()].filter(([, n]) => n > 1);

      // The app retries each committed grab once more with its key: the same share and rank, replayed.
      const replays = await Promise.all(
        storm.map((s, i) => (committed.has(s.user.userId) && outcomes[i].acknowledged ? sendWithRetries(() => stack.urls(), i + 1, s.request) : null)),
      );
      const replayedWrong = replays
        .map((r, i) => ({ r, first: outcomes[i] }))
        .filter(({ r, first }) => r !== null && !(r.status === 200 && r.body?.amountMb === first.body?.amountMb && r.body?.rank === first.body?.rank))
        .map(({ r, first }) => ({ first: first.body, replay: `${r!.status} ${JSON.stringify(r!.body)}` }));

      expect(stack.exits.slice(exitsBefore).map(describeExit)).toEqual([]);
      expect(committed.size).toBe(SHARES);
      expect(answeredWrong).toEqual([]);
      expect(lost).toEqual([]);
      expect(replayedWrong).toEqual([]);
      expect(paidTwice).toEqual([]);
      expect(await stack.audit()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
