import type { SeededUser } from '../test-support/users';
import { sendWithRetries } from './client';
import { seedChaosUsers, startChaosStack, type ChaosStack } from './stack';
import { depositRequest, depositRowsFor, deductionsFor, giftRequest, sleep, tryOnce, until } from './scenario';

/**
 * Real service processes killed and stopped under requests (SPEC §4: a request that committed is
 * never run again; its retry gets the first outcome). Needs `npm run build -w server` first:
 * the processes run server/dist/main.js against a MariaDB and Redis of the test's own.
 */

const TEST_TIMEOUT_MS = 200_000;
/** The carrier holds its answer this long after deducting: the request is in flight at the service. */
const SLOW_CARRIER_MS = 3_000;

let stack: ChaosStack;
let users: SeededUser[];
let exitsBefore = 0;

beforeAll(async () => {
  stack = await startChaosStack();
  users = await seedChaosUsers(stack, { count: 60, phonePrefix: '137', walletMb: 100_000, planMb: 1_000_000 });
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

beforeEach(() => {
  exitsBefore = stack.exits.length;
});

afterEach(async () => {
  await stack.sim.setFaults({});
  await stack.reviveExited();
}, 100_000);

async function settledDeposits(user: SeededUser, amountMb: number) {
  await until('the deposit to settle', 45_000, async () => (await depositRowsFor(stack, user, amountMb)).every((r) => r.status !== 'pending'));
  const rows = await depositRowsFor(stack, user, amountMb);
  return {
    carrierDeductions: await deductionsFor(stack, user, amountMb),
    depositsNotFailed: rows.filter((r) => r.status !== 'failed').length,
    walletCredits: rows.reduce((sum, r) => sum + r.credited, 0),
  };
}

describe('a service process SIGKILLed between the carrier deduction and its answer', () => {
  it(
    'answers the same-key retry with the first deposit, and the carrier deducted once',
    async () => {
      const user = users[0];
      const amountMb = 1_234;
      const request = depositRequest(user, amountMb, 'kill-mid-deposit');
      await stack.sim.setFaults({ latencyMs: SLOW_CARRIER_MS });
      const first = tryOnce(stack.urls()[0], request);
      await until('the carrier to deduct', 10_000, async () => (await deductionsFor(stack, user, amountMb)) === 1);
      await stack.killProcess(0);
      expect((await first).status).toBe(0);
      await stack.sim.setFaults({});
      const restarting = stack.restartProcess(0);
      // The app retries at once, through whichever process answers.
      const retry = await sendWithRetries(() => stack.urls(), 1, request);
      await restarting;

      expect({ status: retry.status, attempts: retry.attempts.length, body: retry.body }).toMatchObject({ body: { amountMb } });
      expect(retry.acknowledged).toBe(true);
      const [firstDeposit] = await depositRowsFor(stack, user, amountMb);
      expect(String(retry.body.id)).toBe(firstDeposit.id);
      expect(await settledDeposits(user, amountMb)).toEqual({ carrierDeductions: 1, depositsNotFailed: 1, walletCredits: 1 });
      expect(stack.exits.slice(exitsBefore)).toEqual([]);
      expect(await stack.audit()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('a service process stopped with SIGTERM under load', () => {
  it(
    'finishes every request that reached it: none is reset, none fails but with 503 and Retry-After',
    async () => {
      // Deposits take ~1 s at the carrier, so some are always in flight when SIGTERM comes.
      await stack.sim.setFaults({ latencyMs: 1_000 });
      const target = stack.urls()[0];
      const answers: Array<Awaited<ReturnType<typeof tryOnce>> & { kind: string }> = [];
      const loadEndsAt = Date.now() + 5_000;
      let n = 0;
      const senders = Array.from({ length: 10 }, async (_, worker) => {
        while (Date.now() < loadEndsAt) {
          const i = n++;
          const user = users[10 + (i % 40)];
          const deposit = worker % 2 === 0;
          const request = deposit ? depositRequest(user, 5_000 + i, `term-d-${i}`) : giftRequest(user, users[10 + ((i + 1) % 40)], `term-g-${i}`);
          answers.push({ ...(await tryOnce(target, request)), kind: deposit ? 'deposit' : 'gift' });
          // A stopped process refuses at once: do not spin on it.
          if (answers[answers.length - 1].transport === 'ECONNREFUSED') await sleep(100);
        }
      });
      await sleep(1_500);
      const stopped = await stack.terminateProcess(0);
      await Promise.all(senders);

      const reset = answers.filter((a) => a.status === 0 && a.transport !== 'ECONNREFUSED').map((a) => `${a.kind}: ${a.transport}`);
      const failed = answers.filter((a) => a.status >= 500 && !(a.status === 503 && a.retryAfter !== null)).map((a) => `${a.kind}: ${a.status} ${JSON.stringify(a.body)}`);
      expect(reset).toEqual([]);
      expect(failed).toEqual([]);
      expect(answers.filter((a) => a.status >= 200 && a.status < 300).length).toBeGreaterThan(0);
      expect(stopped.killed).toBe(false);
      expect(stack.exits.slice(exitsBefore)).toEqual([]);
      await stack.restartProcess(0);
      expect(await stack.audit()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
