import type { SeededUser } from '../test-support/users';
import { sendWithRetries } from './client';
import { seedChaosUsers, startChaosStack, type ChaosStack } from './stack';
import { depositRequest, depositRowsFor, deductionsFor, giftRequest, sleep, tryOnce, until } from './scenario';
import { verifyPhase } from './verify';
import { DepositAmounts, Workload } from './workload';

/**
 * The database killed under real service processes (SPEC §3.1: never deducted twice, never
 * credited twice; SPEC §4: 503 UNAVAILABLE with Retry-After while the database is down).
 * Needs `npm run build -w server` first.
 */

const TEST_TIMEOUT_MS = 240_000;
const SLOW_CARRIER_MS = 1_500;
const DATABASE_DOWN_MS = 10_000;

let stack: ChaosStack;
let users: SeededUser[];
let exitsBefore = 0;

beforeAll(async () => {
  stack = await startChaosStack();
  users = await seedChaosUsers(stack, { count: 80, phonePrefix: '136', walletMb: 100_000, planMb: 10_000_000 });
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

beforeEach(() => {
  exitsBefore = stack.exits.length;
});

afterEach(async () => {
  await stack.sim.setFaults({});
  if (!stack.db.running()) await stack.db.start();
  await stack.reviveExited();
}, 100_000);

describe('MariaDB killed right after the carrier deducted', () => {
  it(
    'answers the same-key retry with the first deposit, finished, and the carrier deducted once',
    async () => {
      const user = users[0];
      const amountMb = 4_321;
      const request = depositRequest(user, amountMb, 'db-dies-mid-deposit');
      await stack.sim.setFaults({ latencyMs: SLOW_CARRIER_MS });
      const first = tryOnce(stack.urls()[0], request);
      await until('the carrier to deduct', 10_000, async () => (await deductionsFor(stack, user, amountMb)) === 1);
      await stack.db.kill();
      const firstAnswer = await first;
      await stack.sim.setFaults({});
      await stack.db.start();
      const retry = await sendWithRetries(() => stack.urls(), 0, request);

      expect(firstAnswer.status === 0 || firstAnswer.status >= 500 || firstAnswer.status < 300).toBe(true);
      expect({ status: retry.status, body: retry.body }).toMatchObject({ body: { amountMb } });
      expect(retry.acknowledged).toBe(true);
      await until('the deposit to settle', 45_000, async () => (await depositRowsFor(stack, user, amountMb)).every((r) => r.status !== 'pending'));
      const rows = await depositRowsFor(stack, user, amountMb);
      expect({
        carrierDeductions: await deductionsFor(stack, user, amountMb),
        depositsNotFailed: rows.filter((r) => r.status !== 'failed').length,
        walletCredits: rows.reduce((sum, r) => sum + r.credited, 0),
      }).toEqual({ carrierDeductions: 1, depositsNotFailed: 1, walletCredits: 1 });
      expect(String(retry.body.id)).toBe(rows[0].id);
      expect(stack.exits.slice(exitsBefore)).toEqual([]);
      expect(await stack.audit()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('MariaDB killed for 10 s under load', () => {
  it(
    'answers 503 UNAVAILABLE with Retry-After while it is down, takes writes again without a restart, and same-key retries duplicate nothing',
    async () => {
      const pidsBefore = stack.pids();
      const load = new Workload(() => stack.urls(), users, 'dbdown', new DepositAmounts(20_000), {
        giftsPerSecond: 20,
        depositsPerSecond: 6,
        packetsPerSecond: 0.5,
        packetShares: 10,
        grabsPerStorm: 15,
      });
      load.start();
      let probes: Array<Awaited<ReturnType<typeof tryOnce>>>;
      try {
        await sleep(2_000);
        await stack.db.kill();
        const downAt = Date.now();
        await sleep(2_000);
        // Single taps with fresh keys while the database is down: each must be refused as "later".
        probes = await Promise.all(Array.from({ length: 6 }, (_, i) => tryOnce(stack.urls()[i % 2], giftRequest(users[i], users[i + 1], `dbdown-probe-${i}`), 10_000)));
        await sleep(Math.max(0, DATABASE_DOWN_MS - (Date.now() - downAt)));
        await stack.db.start();
        // Each process, without a restart, takes a fresh write again once MariaDB is back.
        for (const slot of [0, 1]) {
          let last = '';
          await until(`a write to succeed again on process ${slot}`, 30_000, async () => {
            const answer = await tryOnce(stack.urls()[slot], giftRequest(users[10 + slot], users[20 + slot], `dbdown-after-${slot}-${Date.now()}`));
            last = `${answer.status || answer.transport} ${JSON.stringify(answer.body)}`;
            return answer.status === 201;
          }).catch((error: Error) => {
            throw new Error(`${error.message}; last answer: ${last}`);
          });
        }
        await sleep(3_000);
      } finally {
        await load.stop();
      }
      await until('deposits to settle', 45_000, async () => Number((await stack.sql.query(`SELECT COUNT(*) AS n FROM deposits WHERE status = 'pending'`))[0].n) === 0).catch(
        () => undefined,
      );
      const tally = await verifyPhase(stack.sql, stack.sim, load.ops);

      expect(probes.map((p) => ({ status: p.status, code: p.body?.error?.code, retryAfter: p.retryAfter !== null }))).toEqual(
        probes.map(() => ({ status: 503, code: 'UNAVAILABLE', retryAfter: true })),
      );
      expect(stack.pids()).toEqual(pidsBefore);
      expect(stack.exits.slice(exitsBefore)).toEqual([]);
      expect({ lost: tally.total.lost, duplicated: tally.total.duplicated, examples: tally.total.examples.filter((e) => /lost|duplicated/.test(e)) }).toEqual({
        lost: 0,
        duplicated: 0,
        examples: [],
      });
      expect(await stack.audit()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
