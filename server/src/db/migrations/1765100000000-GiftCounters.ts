import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * The sender's gift counts in the current Asia/Shanghai day, week and month (SPEC §3.2 limits):
 * one row per sender, counted up in the gift's own transaction, so a gift reads three numbers
 * instead of counting the sender's gifts since the month began. The row's lock is what
 * serialises one sender's gifts. A sender without a row (gifts made before this table) is
 * counted once from the gifts table when their first counted gift creates it.
 */
export class GiftCounters1765100000000 implements MigrationInterface {
  name = 'GiftCounters1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE gift_counters (
      sender_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
      day_start DATETIME(3) NOT NULL,
      day_count INT UNSIGNED NOT NULL,
      week_start DATETIME(3) NOT NULL,
      week_count INT UNSIGNED NOT NULL,
      month_start DATETIME(3) NOT NULL,
      month_count INT UNSIGNED NOT NULL
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS gift_counters');
  }
}
