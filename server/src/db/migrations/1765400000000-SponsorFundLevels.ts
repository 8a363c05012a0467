import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Fund early warning and expiring budgets (SPEC §3.9). Each level's state lives on the sponsor's
 * own row, the row every move of the budget already locks: a crossing is decided and recorded
 * under that lock in the move's transaction, so racing moves can neither miss nor repeat one.
 * `sponsor_budget_expiries` records each sweep of expired budget lots to `ext:expired`, so the
 * audit can say what the budget should hold from the sponsor's own rows.
 */
export class SponsorFundLevels1765400000000 implements MigrationInterface {
  name = 'SponsorFundLevels1765400000000';

  async up(q: QueryRunner): Promise<void> {
    // 1 while the budget sits at or below the level (its warning was sent); back to 0 once above.
    await q.query(`ALTER TABLE sponsors
      ADD COLUMN warn_tripped TINYINT(1) NOT NULL DEFAULT 0,
      ADD COLUMN alert_tripped TINYINT(1) NOT NULL DEFAULT 0`);
    await q.query(`CREATE TABLE sponsor_budget_expiries (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      sponsor_id VARCHAR(32) NOT NULL,
      amount_mb BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_sponsor_budget_expiries_sponsor (sponsor_id),
      CONSTRAINT fk_sponsor_budget_expiries_sponsor FOREIGN KEY (sponsor_id) REFERENCES sponsors (id),
      CONSTRAINT ck_sponsor_budget_expiry_positive CHECK (amount_mb > 0)
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS sponsor_budget_expiries');
    await q.query('ALTER TABLE sponsors DROP COLUMN warn_tripped, DROP COLUMN alert_tripped');
  }
}
