import { loadConfig } from '../config';
import { createDataSource } from '../db/data-source';
import { auditLedger } from '../modules/ledger/audit';

/** `npm run audit`: checks every ledger invariant from the database; exits non-zero on a breach. */
async function main(): Promise<void> {
  const databaseUrl = process.argv[2] ?? loadConfig().DATABASE_URL;
  const dataSource = createDataSource(databaseUrl, 2);
  await dataSource.initialize();
  try {
    const breaches = await auditLedger(dataSource.manager);
    const [{ transfers }] = await dataSource.query('SELECT COUNT(*) AS transfers FROM transfers');
    if (breaches.length === 0) {
      console.log(`ledger audit passed: ${transfers} transfers, every invariant holds (${new URL(databaseUrl).pathname.slice(1)})`);
      return;
    }
    for (const breach of breaches) console.error(`BREACH ${breach.invariant}: ${breach.detail}`);
    process.exitCode = 1;
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error('audit could not run:', error);
  process.exit(2);
});
