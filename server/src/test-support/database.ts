import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, migrate } from '../db/data-source';
import { LEDGER_REGISTRY } from '../ledger-registrations';
import { auditLedger } from '../modules/ledger/audit';

/** The server every test talks to: a real MariaDB/MySQL (never a mock). */
export const TEST_DATABASE_SERVER = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A database of its own for one test file, migrated from scratch, so files can run in parallel. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `ll_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_DATABASE_SERVER}/${name}`;
  await migrate(url);
  return {
    url,
    name,
    async drop() {
      // `npm test` keeps them so that `npm run audit` can check every one after the whole suite.
      if (process.env.LL_KEEP_TEST_DATABASES === '1') return;
      const admin = new DataSource({ type: 'mysql', url: `${TEST_DATABASE_SERVER}/`, synchronize: false });
      await admin.initialize();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
    },
  };
}

/** Fails with every breach listed when a ledger invariant does not hold. */
export async function expectLedgerIntact(databaseUrl: string): Promise<void> {
  const dataSource = createDataSource(databaseUrl, 1);
  await dataSource.initialize();
  try {
    const breaches = await auditLedger(dataSource.manager, LEDGER_REGISTRY);
    if (breaches.length > 0) throw new Error(`ledger audit failed:\n${breaches.map((b) => `${b.invariant}: ${b.detail}`).join('\n')}`);
  } finally {
    await dataSource.destroy();
  }
}
