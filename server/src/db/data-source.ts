import { DataSource } from 'typeorm';
import { Initial1764100000000 } from './migrations/1764100000000-Initial';
import { RedPackets1764200000000 } from './migrations/1764200000000-RedPackets';
import { DefaultNicknames1764300000000 } from './migrations/1764300000000-DefaultNicknames';
import { SealedSecrets1764400000000 } from './migrations/1764400000000-SealedSecrets';
import { OpaqueRedPacketIds1764400000001 } from './migrations/1764400000001-OpaqueRedPacketIds';
import { IdempotencyOutcomes1764400000002 } from './migrations/1764400000002-IdempotencyOutcomes';
import { Utf8mb4Tables1764500000000 } from './migrations/1764500000000-Utf8mb4Tables';
import { Sessions1764500000001 } from './migrations/1764500000001-Sessions';
import { CrowdfundsAndTips1764700000000 } from './migrations/1764700000000-CrowdfundsAndTips';
import { ShareGroups1764800000000 } from './migrations/1764800000000-ShareGroups';
import { SponsorsActivities1764900000000 } from './migrations/1764900000000-SponsorsActivities';
import { InvitesAndShares1764900000001 } from './migrations/1764900000001-InvitesAndShares';
import { RedPacketRecords1765000000000 } from './migrations/1765000000000-RedPacketRecords';
import { GiftCounters1765100000000 } from './migrations/1765100000000-GiftCounters';
import { RedPacketRain1765200000000 } from './migrations/1765200000000-RedPacketRain';
import { ActivityMessages1765300000000 } from './migrations/1765300000000-ActivityMessages';
import { SponsorFundLevels1765400000000 } from './migrations/1765400000000-SponsorFundLevels';
import { CashOut1765500000000 } from './migrations/1765500000000-CashOut';
import { Coupons1765600000000 } from './migrations/1765600000000-Coupons';
import { KeepingTheApp1765700000000 } from './migrations/1765700000000-KeepingTheApp';

export const MIGRATIONS = [
  Initial1764100000000,
  RedPackets1764200000000,
  DefaultNicknames1764300000000,
  SealedSecrets1764400000000,
  OpaqueRedPacketIds1764400000001,
  IdempotencyOutcomes1764400000002,
  Utf8mb4Tables1764500000000,
  Sessions1764500000001,
  CrowdfundsAndTips1764700000000,
  ShareGroups1764800000000,
  SponsorsActivities1764900000000,
  InvitesAndShares1764900000001,
  RedPacketRecords1765000000000,
  GiftCounters1765100000000,
  RedPacketRain1765200000000,
  ActivityMessages1765300000000,
  SponsorFundLevels1765400000000,
  CashOut1765500000000,
  Coupons1765600000000,
  KeepingTheApp1765700000000,
];

export function createDataSource(databaseUrl: string, poolSize = 20): DataSource {
  return new DataSource({
    type: 'mysql',
    url: databaseUrl,
    // Schema changes go through migrations only.
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    timezone: 'Z',
    charset: 'utf8mb4',
    dateStrings: false,
    // inTransaction sends a transaction's statements in batches (db/sql.ts); values are always escaped by the driver.
    multipleStatements: true,
    extra: { connectionLimit: poolSize, waitForConnections: true },
    logging: false,
  });
}

/** Creates the database named in the URL if it is missing (a fresh machine has none). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name: ${name}`);
  url.pathname = '/';
  const admin = new DataSource({ type: 'mysql', url: url.toString(), synchronize: false });
  await admin.initialize();
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.destroy();
  }
}

export async function migrate(databaseUrl: string): Promise<void> {
  await ensureDatabase(databaseUrl);
  const dataSource = createDataSource(databaseUrl, 2);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
