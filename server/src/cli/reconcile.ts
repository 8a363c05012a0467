import { loadConfig } from '../config';
import { createDataSource } from '../db/data-source';
import { systemClock } from '../platform/clock';
import { CashoutService, ReconciliationService } from '../modules/cashout';
import { Ledger } from '../modules/ledger/ledger';
import { createLogger } from '../platform/logger';
import { createRedisClient } from '../platform/redis-clients';

/**
 * `npm run reconcile -- --date=YYYY-MM-DD`: compares that day's recharge attempts with every
 * supplier's records, as the daily job does, and stores what it finds (run again, it replaces it).
 */
const USAGE = 'usage: npm run reconcile -- --date=YYYY-MM-DD';

async function main(): Promise<number> {
  const date = /^--date=(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))$/.exec(process.argv[2] ?? '')?.[1];
  if (!date || process.argv.length > 3) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const dataSource = createDataSource(config.DATABASE_URL, 2);
  await dataSource.initialize();
  const logger = createLogger(config.LOG_LEVEL);
  const redis = createRedisClient(config.REDIS_URL, logger);
  try {
    // Late successes it finds are recorded as the service records them: incidents, once.
    const cashout = new CashoutService({ config, clock: systemClock, dataSource, ledger: new Ledger(systemClock), logger, redis });
    const reconciliation = new ReconciliationService({ config, clock: systemClock, dataSource }, (attemptId, orderId) =>
      cashout.runner.applyCallback(attemptId, orderId, 'succeeded', null),
    );
    const mismatches = await reconciliation.reconcile(date);
    console.log(`${date}: ${mismatches} mismatch(es) stored; see GET /api/v1/ops/reconciliation?date=${date}`);
  } finally {
    redis.disconnect();
    await dataSource.destroy();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('reconcile could not run:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
