import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config';
import { createDataSource, migrate } from '../db/data-source';
import { startServer } from '../server';
import { startCarrierSim } from '../carrier-sim/sim';
import { createCarrierSimAdmin } from '../carrier-sim/admin-client';
import { httpClient, type HttpClient } from '../test-support/http-client';
import { spawnServer, type ServerProcess } from '../test-support/processes';
import { expectLedgerIntact } from '../test-support/database';
import type { TestStack } from '../test-support/stack';
import { seedUsers } from '../test-support/users';
import { killOnExit, stopWithin } from './children';

/** The servers the bench talks to: loopback only. */
export const BENCH_DATABASE_SERVER = process.env.BENCH_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BENCH_CARRIER_SECRET = 'bench-carrier-secret';
const BENCH_MESSAGE_PROVIDER_SECRET = 'bench-message-provider-secret';
/** Limits set far above anything the bench does, so rules never stand in for speed. */
const UNLIMITED = 100_000_000;
/** Bound on parallel set-up calls (plans, deposits), which are not measured. */
const SETUP_CONCURRENCY = 16;

export type BenchUser = { userId: string; phone: string; token: string };

/**
 * Everything the bench stands up: a database of its own (`ll_bench_…`), a Redis prefix of its
 * own, the carrier simulator, an in-process server for set-up (seeding, funding), and the
 * server processes under test, spawned on demand. `close()` undoes all of it, each step bounded.
 */
export interface BenchStack {
  config: Config;
  databaseName: string;
  /** The in-process set-up server, shaped as the test helpers (seedUsers) expect. */
  setup: TestStack;
  /** Raw SQL on the bench database (verification, baseline tables). */
  db: DataSource;
  spawnServers(count: number): Promise<ServerProcess[]>;
  seed(count: number, phonePrefix: string): Promise<BenchUser[]>;
  /** Banks `amountMb` of plan data into each user's wallet through the API, as a user would. */
  fund(users: readonly BenchUser[], amountMb: number, via: HttpClient): Promise<void>;
  /** Ledger audit of the bench database (throws on any breach). */
  audit(): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const databaseName = `ll_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${BENCH_DATABASE_SERVER}/${databaseName}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('bench clean-up step failed:', error));
  };
  try {
    cleanups.push(() => dropDatabase(databaseName));
    await migrate(databaseUrl);
    const sim = await startCarrierSim({ port: 0, host: '127.0.0.1', secret: BENCH_CARRIER_SECRET, messageProviderSecret: BENCH_MESSAGE_PROVIDER_SECRET });
    cleanups.push(() => sim.close());
    const config = loadConfig(
      {},
      {
        // Production's secrets checks are for deployments; the bench measures the same code in test mode.
        NODE_ENV: 'test',
        PORT: 0,
        DATABASE_URL: databaseUrl,
        REDIS_URL: BENCH_REDIS_URL,
        REDIS_PREFIX: `llbench:${randomBytes(4).toString('hex')}`,
        CARRIER_URL: sim.url,
        MESSAGE_PROVIDER_URL: sim.url,
        CARRIER_SECRET: BENCH_CARRIER_SECRET,
        MESSAGE_PROVIDER_SECRET: BENCH_MESSAGE_PROVIDER_SECRET,
        LOG_LEVEL: 'warn',
        JOBS_ENABLED: false,
        DEPOSIT_MONTHLY_CAP_MB: UNLIMITED,
        GIFT_DAILY_LIMIT: UNLIMITED,
        GIFT_WEEKLY_LIMIT: UNLIMITED,
        GIFT_MONTHLY_LIMIT: UNLIMITED,
      },
    );
    const server = await startServer(config);
    cleanups.push(() => server.close());
    cleanups.push(() => deleteRedisKeys(server.deps.redis, config.REDIS_PREFIX));
    const setup: TestStack = {
      url: server.url,
      client: httpClient(server.url),
      server,
      sim: createCarrierSimAdmin(sim.url),
      simUrl: sim.url,
      databaseUrl,
      config,
      close,
    };
    const db = createDataSource(databaseUrl, 4);
    await db.initialize();
    cleanups.push(() => db.destroy());
    const spawned: ServerProcess[] = [];
    cleanups.push(() => stopWithin(spawned));

    return {
      config,
      databaseName,
      setup,
      db,
      async spawnServers(count) {
        const started = await Promise.all(Array.from({ length: count }, () => spawnServer(config, { JOBS_ENABLED: false, LOG_LEVEL: 'warn' })));
        for (const server of started) killOnExit(server.child);
        spawned.push(...started);
        return started;
      },
      seed: (count, phonePrefix) => seedUsers(setup, count, phonePrefix),
      async fund(users, amountMb, via) {
        await inBatches(users, async (user) => {
          await setup.sim.setPlan({ phone: user.phone, totalMb: amountMb, usedMb: 0 });
          const answer = await via.post('/api/v1/storage/deposits', { amountMb }, { token: user.token, idempotencyKey: true });
          if (answer.status !== 201 && answer.status !== 200) throw new Error(`deposit for ${user.phone} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          if (answer.body.status !== 'completed') throw new Error(`deposit for ${user.phone} is ${answer.body.status}, not completed`);
        });
      },
      audit: () => expectLedgerIntact(databaseUrl),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += SETUP_CONCURRENCY) await Promise.all(items.slice(i, i + SETUP_CONCURRENCY).map(work));
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new DataSource({ type: 'mysql', url: `${BENCH_DATABASE_SERVER}/`, synchronize: false });
  await admin.initialize();
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.destroy();
  }
}

/** Removes the bench's Redis keys (packets, idempotency records, socket.io channels), by SCAN in bounded pages. */
async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = nextCursor;
  } while (cursor !== '0');
}
