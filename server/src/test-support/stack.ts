import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../config';
import { startServer, type RunningServer } from '../server';
import { startCarrierSim } from '../carrier-sim/sim';
import { createCarrierSimAdmin, type CarrierSimAdmin } from '../carrier-sim/admin-client';
import { manualClock, systemClock, type Clock } from '../platform/clock';
import { createTestDatabase, expectLedgerIntact, TEST_REDIS_URL } from './database';
import { httpClient, type HttpClient } from './http-client';

export const TEST_CARRIER_SECRET = 'test-carrier-secret';
export const TEST_MESSAGE_PROVIDER_SECRET = 'test-message-provider-secret';

export interface TestStack {
  url: string;
  client: HttpClient;
  server: RunningServer;
  sim: CarrierSimAdmin;
  simUrl: string;
  databaseUrl: string;
  config: Config;
  /** Audits the ledger (fails the suite on any breach), then stops everything and drops the database. */
  close(): Promise<void>;
}

/**
 * The real stack for one test file: its own migrated database, its own Redis key prefix, the
 * carrier simulator over HTTP, and the service listening on a free port.
 */
export async function startTestStack(overrides: Partial<Config> = {}, clock: Clock = systemClock): Promise<TestStack> {
  const database = await createTestDatabase();
  const sim = await startCarrierSim({ port: 0, secret: TEST_CARRIER_SECRET, messageProviderSecret: TEST_MESSAGE_PROVIDER_SECRET });
  const config = loadConfig(
    {},
    {
      NODE_ENV: 'test',
      DEV_OUTBOX: true,
      // Every test user signs in from 127.0.0.1; the per-address limit has tests of its own.
      SMS_CODES_PER_IP_PER_HOUR: 1_000_000,
      PORT: 0,
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `lltest:${randomBytes(4).toString('hex')}`,
      CARRIER_URL: sim.url,
      MESSAGE_PROVIDER_URL: sim.url,
      CARRIER_SECRET: TEST_CARRIER_SECRET,
      MESSAGE_PROVIDER_SECRET: TEST_MESSAGE_PROVIDER_SECRET,
      CARRIER_TIMEOUT_MS: 500,
      LOG_LEVEL: (process.env.TEST_LOG_LEVEL as Config['LOG_LEVEL'] | undefined) ?? 'silent',
      JOBS_ENABLED: false,
      // Test files run in parallel, several with extra server processes: keep well under
      // MariaDB's default of 151 connections.
      DB_POOL_SIZE: 6,
      ...overrides,
    },
  );
  const server = await startServer(config, clock);
  return {
    url: server.url,
    client: httpClient(server.url),
    server,
    sim: createCarrierSimAdmin(sim.url),
    simUrl: sim.url,
    databaseUrl: database.url,
    config,
    async close() {
      try {
        await expectLedgerIntact(database.url);
      } finally {
        await server.close();
        await sim.close();
        await database.drop();
      }
    },
  };
}

export { manualClock };
