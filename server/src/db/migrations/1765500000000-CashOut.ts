import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Cash-out to the phone (SPEC §3.7): suppliers and their daily volume, orders, one row per
 * recharge attempt (its id is what the supplier sees, never reused), incidents for successes
 * that came too late or twice, and the daily reconciliation against each supplier's records.
 * The external account of data recharged out is named for what it is (`ext:recharged_out`), and
 * `ext:recharge_overrun` carries what a second success cost the platform.
 */
export class CashOut1765500000000 implements MigrationInterface {
  name = 'CashOut1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE suppliers (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      name VARCHAR(64) NOT NULL,
      endpoint VARCHAR(255) NOT NULL,
      secret_sealed VARCHAR(512) NOT NULL,
      carriers_json VARCHAR(255) NOT NULL,
      provinces_json TEXT NOT NULL,
      priority INT NOT NULL,
      daily_cap_mb BIGINT UNSIGNED NOT NULL,
      enabled TINYINT(1) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_suppliers_name (name)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE supplier_daily_volumes (
      supplier_id VARCHAR(32) NOT NULL,
      day DATE NOT NULL,
      reserved_mb BIGINT UNSIGNED NOT NULL,
      PRIMARY KEY (supplier_id, day)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE cashout_orders (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      user_id BIGINT UNSIGNED NOT NULL,
      phone CHAR(11) NOT NULL,
      carrier VARCHAR(16) NOT NULL,
      province VARCHAR(64) NOT NULL,
      product_id VARCHAR(32) NOT NULL,
      size_mb BIGINT UNSIGNED NOT NULL,
      price_mb BIGINT UNSIGNED NOT NULL,
      status ENUM('processing','succeeded','failed') NOT NULL,
      next_step_at DATETIME(3) NOT NULL,
      lease_until DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      KEY ix_cashout_orders_due (status, next_step_at),
      KEY ix_cashout_orders_user (user_id, created_at),
      KEY ix_cashout_orders_phone (phone, created_at),
      CONSTRAINT ck_cashout_orders_price CHECK (price_mb >= size_mb AND size_mb > 0)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE cashout_attempts (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      order_id VARCHAR(32) NOT NULL,
      seq INT UNSIGNED NOT NULL,
      supplier_id VARCHAR(32) NOT NULL,
      size_mb BIGINT UNSIGNED NOT NULL,
      volume_day DATE NOT NULL,
      status ENUM('sending','accepted','unknown','succeeded','failed') NOT NULL,
      supplier_ref VARCHAR(128) NULL,
      checks INT UNSIGNED NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      settled_at DATETIME(3) NULL,
      UNIQUE KEY ux_cashout_attempts_seq (order_id, seq),
      KEY ix_cashout_attempts_day (volume_day, supplier_id)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE cashout_incidents (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id VARCHAR(32) NOT NULL,
      attempt_id VARCHAR(32) NOT NULL,
      kind ENUM('late_success','second_success') NOT NULL,
      amount_mb BIGINT UNSIGNED NOT NULL,
      supplier_ref VARCHAR(128) NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_cashout_incidents_attempt (attempt_id),
      KEY ix_cashout_incidents_created (created_at)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE reconciliation_runs (
      day DATE NOT NULL,
      supplier_id VARCHAR(32) NOT NULL,
      outcome ENUM('compared','unreachable') NOT NULL,
      ran_at DATETIME(3) NOT NULL,
      PRIMARY KEY (day, supplier_id)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE reconciliation_items (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      day DATE NOT NULL,
      supplier_id VARCHAR(32) NOT NULL,
      attempt_id VARCHAR(64) NOT NULL,
      kind ENUM('matched','missing_at_supplier','missing_here','status_mismatch','size_mismatch') NOT NULL,
      our_status VARCHAR(16) NULL,
      their_status VARCHAR(16) NULL,
      our_size_mb BIGINT UNSIGNED NULL,
      their_size_mb BIGINT UNSIGNED NULL,
      UNIQUE KEY ux_reconciliation_items (day, supplier_id, attempt_id)
    ) ${TABLE_OPTIONS}`);
    await q.query(`UPDATE accounts SET code = 'ext:recharged_out' WHERE code = 'ext:recharged'`);
    await q.query(`INSERT INTO accounts (code, type, balance_mb, created_at) VALUES ('ext:recharge_overrun', 'external', 0, NOW(3))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM accounts WHERE code = 'ext:recharge_overrun' AND balance_mb = 0`);
    await q.query(`UPDATE accounts SET code = 'ext:recharged' WHERE code = 'ext:recharged_out'`);
    for (const table of ['reconciliation_items', 'reconciliation_runs', 'cashout_incidents', 'cashout_attempts', 'cashout_orders', 'supplier_daily_volumes', 'suppliers']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
