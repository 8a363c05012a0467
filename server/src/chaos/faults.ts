import { Redis } from 'ioredis';
import type { ChaosStack } from './stack';
import type { Workload } from './workload';

/**
 * The faults a chaos run injects, each into a stack under load. A fault returns when it is
 * over (the process restarted, the server back): the moment recovery is measured from.
 */
export interface Fault {
  id: string;
  title: string;
  inject(stack: ChaosStack, load: Workload): Promise<{ notes: string[] }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An orchestrator notices a dead process and starts another after this long. */
const RESTART_DELAY_MS = 2_000;
/** The carrier holds its answer this long (after deducting): deposits are in flight when the database dies. */
const SLOW_CARRIER_MS = 1_500;
/** Redis stays down this long before it comes back from its AOF. */
const REDIS_DOWN_MS = 3_000;
/** "MariaDB killed for 10 s". */
const DATABASE_DOWN_MS = 10_000;

export async function flushRedis(url: string): Promise<void> {
  const admin = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await admin.connect();
    await admin.flushall();
  } finally {
    admin.disconnect();
  }
}

export const FAULTS: readonly Fault[] = [
  {
    id: '0',
    title: 'no fault (control: the same load, nothing injected)',
    async inject() {
      return { notes: [] };
    },
  },
  {
    id: 'a',
    title: 'SIGKILL one service process mid-load, restart it',
    async inject(stack) {
      await stack.killProcess(0);
      await sleep(RESTART_DELAY_MS);
      await stack.restartProcess(0);
      return { notes: [] };
    },
  },
  {
    id: 'b',
    title: 'MariaDB SIGKILLed right after the carrier deducted (slow carrier), restarted',
    async inject(stack) {
      await stack.sim.setFaults({ latencyMs: SLOW_CARRIER_MS });
      const before = (await stack.sim.listDeductions()).length;
      // Deposits sent from now on are deducted at once and answered SLOW_CARRIER_MS later.
      await sleep(SLOW_CARRIER_MS / 2);
      const inFlight = (await stack.sim.listDeductions()).length - before;
      await stack.db.kill();
      await sleep(SLOW_CARRIER_MS + 500);
      await stack.sim.setFaults({});
      await stack.db.start();
      return { notes: [`${inFlight} deposits deducted at the carrier and still unanswered when MariaDB was killed`] };
    },
  },
  {
    id: 'c',
    title: 'MariaDB SIGKILLed for 10 s under load, restarted',
    async inject(stack) {
      await stack.db.kill();
      await sleep(DATABASE_DOWN_MS);
      await stack.db.start();
      return { notes: [] };
    },
  },
  {
    id: 'd',
    title: 'Redis SIGKILLed (AOF) during a grab storm, restarted',
    async inject(stack, load) {
      await load.nextStorm();
      await sleep(50);
      await stack.redis.kill();
      await sleep(REDIS_DOWN_MS);
      await stack.redis.start();
      return { notes: [] };
    },
  },
  {
    id: 'e',
    title: 'Redis wiped (FLUSHALL) during a grab storm',
    async inject(stack, load) {
      await load.nextStorm();
      await sleep(50);
      await flushRedis(stack.redis.url);
      return { notes: [] };
    },
  },
  {
    id: 'f',
    title: 'SIGTERM one service process under load (drain), restart it',
    async inject(stack) {
      const stopped = await stack.terminateProcess(0);
      await stack.restartProcess(0);
      return { notes: [stopped.killed ? `did not exit within ${stopped.exitedWithinMs} ms of SIGTERM: killed` : `exited ${stopped.exitedWithinMs} ms after SIGTERM`] };
    },
  },
];
