import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../config';
import { createDataSource, migrate } from '../db/data-source';
import { startCarrierSim } from '../carrier-sim/sim';
import { createCarrierSimAdmin, type CarrierSimAdmin } from '../carrier-sim/admin-client';
import { Ledger } from '../modules/ledger/ledger';
import { EXTERNAL_ACCOUNTS, walletCode } from '../modules/ledger/accounts';
import { auditLedger, type AuditBreach } from '../modules/ledger/audit';
import { LEDGER_REGISTRY } from '../ledger-registrations';
import { inTransaction } from '../db/sql';
import { systemClock } from '../platform/clock';
import { SHUTDOWN_AFTER_DRAIN_MS } from '../server';
import { spawnServer, type ServerProcess } from '../test-support/processes';
import { seedUsersInto, type SeededUser } from '../test-support/users';
import { startPrivateMariadb, startPrivateRedis, trackChild, type Instance } from './instances';

const CHAOS_CARRIER_SECRET = 'chaos-carrier-secret';
const CHAOS_MESSAGE_PROVIDER_SECRET = 'chaos-message-provider-secret';
/** Limits far above the load, so that a rule never stands in for a fault. */
const UNLIMITED = 100_000_000;
/** Slack past the service's own shutdown bound before a polite stop (SIGTERM) becomes a kill. */
const STOP_SLACK_MS = 2_000;
/** Bound on bringing a process back while its database or Redis may still be down. */
const RESTART_TIMEOUT_MS = 90_000;
/** A restarted process is given this long between tries, as an orchestrator would. */
const RESTART_PAUSE_MS = 1_000;
/** An orchestrator notices a process that exited on its own and starts another after this long. */
const ORCHESTRATOR_RESTART_DELAY_MS = 2_000;

/** One process a load balancer sends to. It may be down; its last address stays, and refuses. */
interface Slot {
  server: ServerProcess | null;
  url: string;
  /** True while the harness itself stops or kills it: an exit then is not the process's own. */
  expectingExit: boolean;
  /** A start under way, so that an orchestrator's restart and the harness's do not race. */
  starting: Promise<void> | null;
}

export interface ProcessExit {
  slot: number;
  at: number;
  code: number | null;
  signal: string | null;
  logTail: string;
}

export interface ChaosStack {
  config: Config;
  db: Instance;
  redis: Instance;
  sim: CarrierSimAdmin;
  /** Raw SQL on the stack's database, for seeding and verification (reconnects after a restart). */
  sql: DataSource;
  urls(): readonly string[];
  /** The running processes' ids (undefined while a slot is down): a changed id is a restart. */
  pids(): ReadonlyArray<number | undefined>;
  /** Processes that exited without the harness asking: each one is a bug. */
  exits: ProcessExit[];
  /** SIGKILL, as when a machine dies mid-request. */
  killProcess(slot: number): Promise<void>;
  /** SIGTERM; resolves when it has exited (or was killed when it overran its own shutdown bound). */
  terminateProcess(slot: number): Promise<{ exitedWithinMs: number; killed: boolean }>;
  /** Starts the slot's process again, retrying while it cannot start (database down, …). */
  restartProcess(slot: number): Promise<void>;
  /** Restarts every slot whose process is not running (after an exit of its own). */
  reviveExited(): Promise<void>;
  seedUsers(count: number, phonePrefix: string): Promise<SeededUser[]>;
  /** Gives each user `amountMb` straight through the ledger (the load's own deposits go through the carrier). */
  fundWallets(users: readonly SeededUser[], amountMb: number): Promise<void>;
  audit(): Promise<AuditBreach[]>;
  close(): Promise<void>;
}

export interface ChaosStackOptions {
  processes?: number;
  /** Extra configuration of the service processes. */
  overrides?: Partial<Config>;
}

/**
 * Everything a chaos run stands up, all on loopback: its own MariaDB and Redis (which it may
 * kill), the carrier simulator, and N service processes from server/dist/main.js. `close()`
 * undoes all of it, each step bounded, whatever failed before.
 */
export async function startChaosStack(options: ChaosStackOptions = {}): Promise<ChaosStack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('chaos clean-up step failed:', error));
    cleanups.length = 0;
  };
  try {
    const db = await startPrivateMariadb();
    cleanups.push(() => db.destroy());
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.destroy());
    const databaseUrl = `${db.url}/liuliang_chaos`;
    await migrate(databaseUrl);
    const simServer = await startCarrierSim({ port: 0, host: '127.0.0.1', secret: CHAOS_CARRIER_SECRET, messageProviderSecret: CHAOS_MESSAGE_PROVIDER_SECRET });
    cleanups.push(() => simServer.close());
    const config = loadConfig(
      {},
      {
        NODE_ENV: 'test',
        PORT: 0,
        DATABASE_URL: databaseUrl,
        DB_POOL_SIZE: 10,
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'chaos',
        CARRIER_URL: simServer.url,
        MESSAGE_PROVIDER_URL: simServer.url,
        CARRIER_SECRET: CHAOS_CARRIER_SECRET,
        MESSAGE_PROVIDER_SECRET: CHAOS_MESSAGE_PROVIDER_SECRET,
        // Above the simulator's injected latency: a slow carrier is in flight, not timed out.
        CARRIER_TIMEOUT_MS: 5_000,
        LOG_LEVEL: 'warn',
        // Background jobs run as in production: they settle pending deposits and orphan grabs.
        JOBS_ENABLED: true,
        JOB_INTERVAL_MS: 3_000,
        DEPOSIT_MONTHLY_CAP_MB: UNLIMITED,
        GIFT_DAILY_LIMIT: UNLIMITED,
        GIFT_WEEKLY_LIMIT: UNLIMITED,
        GIFT_MONTHLY_LIMIT: UNLIMITED,
        ...options.overrides,
      },
    );
    const sql = createDataSource(databaseUrl, 4);
    await sql.initialize();
    cleanups.push(() => sql.destroy());

    const exits: ProcessExit[] = [];
    const slots: Slot[] = [];
    let closed = false;
    const watch = (index: number, server: ServerProcess) => {
      trackChild(server.child);
      server.child.once('exit', (code, signal) => {
        const slot = slots[index];
        if (slot.server !== server) return;
        slot.server = null;
        if (slot.expectingExit) return;
        exits.push({ slot: index, at: Date.now(), code, signal, logTail: server.log().slice(-2_000) });
        // Counted as an exit, then brought back as production's orchestrator would.
        setTimeout(() => {
          if (!closed) restartProcess(index).catch((error: unknown) => console.error(`chaos: could not restart process ${index}:`, (error as Error).message));
        }, ORCHESTRATOR_RESTART_DELAY_MS);
      });
    };
    const startSlot = async (index: number) => {
      const server = await spawnServer(config);
      if (closed) {
        await server.kill();
        return;
      }
      slots[index].server = server;
      slots[index].url = server.url;
      slots[index].expectingExit = false;
      watch(index, server);
    };
    const count = options.processes ?? 2;
    for (let i = 0; i < count; i++) slots.push({ server: null, url: 'http://127.0.0.1:1', expectingExit: false, starting: null });
    cleanups.push(() => {
      closed = true;
      return Promise.all(
        slots.map(async (slot) => {
          slot.expectingExit = true;
          await slot.server?.kill();
        }),
      );
    });
    await Promise.all(slots.map((_, i) => startSlot(i)));

    const restartWithRetries = async (index: number) => {
      const deadline = Date.now() + RESTART_TIMEOUT_MS;
      for (;;) {
        if (closed) return;
        try {
          return await startSlot(index);
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, RESTART_PAUSE_MS));
        }
      }
    };
    function restartProcess(index: number): Promise<void> {
      const slot = slots[index];
      if (slot.server) return Promise.resolve();
      slot.starting ??= restartWithRetries(index).finally(() => (slot.starting = null));
      return slot.starting;
    }
    const ledger = new Ledger(systemClock);

    return {
      config,
      db,
      redis,
      sim: createCarrierSimAdmin(simServer.url),
      sql,
      urls: () => slots.map((s) => s.url),
      pids: () => slots.map((s) => s.server?.child.pid),
      exits,
      async killProcess(index) {
        const slot = slots[index];
        slot.expectingExit = true;
        await slot.server?.kill();
      },
      async terminateProcess(index) {
        const slot = slots[index];
        const server = slot.server;
        if (!server) return { exitedWithinMs: 0, killed: false };
        slot.expectingExit = true;
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        // The service bounds its own shutdown (drain, then closing steps); only past that is it stuck.
        const stopTimeoutMs = config.SHUTDOWN_DRAIN_MS + SHUTDOWN_AFTER_DRAIN_MS + STOP_SLACK_MS;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), stopTimeoutMs)));
        const outcome = await Promise.race([server.stop().then(() => 'stopped' as const), late]);
        clearTimeout(timer);
        if (outcome === 'late') await server.kill();
        return { exitedWithinMs: Date.now() - started, killed: outcome === 'late' };
      },
      restartProcess,
      async reviveExited() {
        await Promise.all(slots.map((slot, i) => (slot.server ? undefined : restartProcess(i))));
      },
      seedUsers: (n, prefix) => seedUsersInto({ dataSource: sql, ledger, clock: systemClock }, config, n, prefix),
      async fundWallets(users, amountMb) {
        const expiresAt = new Date(Date.now() + 90 * 24 * 60 * 60 * 1000);
        await inTransaction(sql, async (tx) => {
          for (const user of users) {
            await ledger.transfer(tx, {
              fromCode: EXTERNAL_ACCOUNTS.carrierPlan,
              toCode: walletCode(user.userId),
              amountMb,
              kind: 'adjustment',
              ref: { type: 'chaos_seed', id: user.userId },
              expiresAt,
            });
          }
        });
      },
      audit: () => auditLedger(sql.manager, LEDGER_REGISTRY),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Who a chaos run or test starts with: seeded users, each with a funded wallet and, optionally, a carrier plan. */
export interface ChaosUsers {
  count: number;
  phonePrefix: string;
  walletMb: number;
  /** Each user's carrier plan, for runs that bank plan data; none when omitted. */
  planMb?: number;
}

/** Seeds and funds the users every chaos run and test needs, in one place. */
export async function seedChaosUsers(stack: ChaosStack, users: ChaosUsers): Promise<SeededUser[]> {
  const seeded = await stack.seedUsers(users.count, users.phonePrefix);
  await stack.fundWallets(seeded, users.walletMb);
  if (users.planMb !== undefined) for (const user of seeded) await stack.sim.setPlan({ phone: user.phone, totalMb: users.planMb, usedMb: 0 });
  return seeded;
}
