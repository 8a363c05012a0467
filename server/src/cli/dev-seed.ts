import { loadConfig } from '../config';
import { createDataSource } from '../db/data-source';
import { Ledger } from '../modules/ledger/ledger';
import { systemClock } from '../platform/clock';
import { seedDemoSponsor } from '../modules/sponsors/dev-seed';
import { seedDevSuppliers } from '../modules/cashout';

/** Run by `npm start` in development only, after the service migrated: the demo sponsor (see seedDemoSponsor). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.NODE_ENV !== 'development') {
    console.log(`no demo data in ${config.NODE_ENV}`);
    return;
  }
  const dataSource = createDataSource(config.DATABASE_URL, 2);
  await dataSource.initialize();
  try {
    const result = await seedDemoSponsor({ config, clock: systemClock, ledger: new Ledger(systemClock), dataSource });
    console.log(result === 'created' ? 'demo sponsor created: 13800138000 owns it, with a running check-in activity' : 'demo sponsor already present');
    // Cash-out needs suppliers; the carrier simulator plays two (when it is the carrier here).
    const suppliers = await seedDevSuppliers({ config, clock: systemClock, dataSource }, config.CARRIER_URL).catch((error: unknown) => {
      console.log(`no demo suppliers: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    });
    console.log(`demo suppliers: ${suppliers} registered (sim-primary, sim-backup at the carrier simulator)`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error('the demo data could not be seeded:', error instanceof Error ? error.message : error);
  process.exit(1);
});
