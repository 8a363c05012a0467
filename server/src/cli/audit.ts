import { DataSource } from 'typeorm';
import { loadConfig } from '../config';
import { createDataSource } from '../db/data-source';
import { LEDGER_REGISTRY } from '../ledger-registrations';
import { auditLedger } from '../modules/ledger/audit';

/**
 * `npm run audit`: checks every ledger invariant (SPEC §2) from the database alone and exits
 * non-zero on any breach. With --test-databases it audits every database the test suite left
 * (ll_test_*); --drop-test-databases removes them.
 */
const TEST_DATABASE_PREFIX = 'll_test_';

async function auditOne(databaseUrl: string): Promise<boolean> {
  const dataSource = createDataSource(databaseUrl, 2);
  await dataSource.initialize();
  try {
    const breaches = await auditLedger(dataSource.manager, LEDGER_REGISTRY);
    const [{ transfers }] = await dataSource.query('SELECT COUNT(*) AS transfers FROM transfers');
    const name = new URL(databaseUrl).pathname.slice(1);
    if (breaches.length === 0) {
      console.log(`ledger audit passed: ${name}: ${transfers} transfers, every invariant holds`);
      return true;
    }
    for (const breach of breaches) console.error(`BREACH in ${name}: ${breach.invariant}: ${breach.detail}`);
    return false;
  } finally {
    await dataSource.destroy();
  }
}

async function testDatabases(serverUrl: string): Promise<string[]> {
  const admin = new DataSource({ type: 'mysql', url: `${serverUrl}/`, synchronize: false });
  await admin.initialize();
  try {
    const rows: Array<Record<string, string>> = await admin.query(`SHOW DATABASES LIKE '${TEST_DATABASE_PREFIX}%'`);
    return rows.map((r) => Object.values(r)[0]);
  } finally {
    await admin.destroy();
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === '--test-databases' || mode === '--drop-test-databases') {
    const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';
    const names = await testDatabases(serverUrl);
    if (mode === '--drop-test-databases') {
      const admin = new DataSource({ type: 'mysql', url: `${serverUrl}/`, synchronize: false });
      await admin.initialize();
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
      return;
    }
    let allPassed = true;
    for (const name of names) allPassed = (await auditOne(`${serverUrl}/${name}`)) && allPassed;
    console.log(`audited ${names.length} test databases: ${allPassed ? 'every invariant holds' : 'BREACHES FOUND'}`);
    if (!allPassed) process.exitCode = 1;
    return;
  }
  if (!(await auditOne(mode ?? loadConfig().DATABASE_URL))) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error('audit could not run:', error);
  process.exit(2);
});
