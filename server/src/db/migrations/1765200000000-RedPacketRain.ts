import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * 红包雨 (SPEC §3.9): an activity's escrow funds red packets. A packet now has either a sender
 * (a user's wallet) or a funder (an escrow that owns it, e.g. an activity), never both, so its
 * leftovers go back to where they came from. Each scheduled drop of a rain is one row keyed by
 * (activity, drop index): that key is what makes a drop happen once however many schedulers run.
 */
export class RedPacketRain1765200000000 implements MigrationInterface {
  name = 'RedPacketRain1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE red_packets
      MODIFY sender_id BIGINT UNSIGNED NULL,
      ADD COLUMN funder_type VARCHAR(16) NULL AFTER sender_id,
      ADD COLUMN funder_id VARCHAR(32) NULL AFTER funder_type,
      ADD COLUMN funder_name VARCHAR(64) NULL AFTER funder_id,
      ADD KEY ix_red_packets_funder (funder_type, funder_id, status),
      ADD CONSTRAINT ck_red_packet_one_source CHECK ((sender_id IS NULL) <> (funder_id IS NULL) AND (funder_id IS NULL) = (funder_type IS NULL))`);

    await q.query(`ALTER TABLE activities
      ADD COLUMN rain_json TEXT NULL,
      ADD COLUMN rain_returned_mb BIGINT NOT NULL DEFAULT 0`);

    await q.query(`CREATE TABLE activity_rain_drops (
      activity_id VARCHAR(32) NOT NULL,
      drop_index INT NOT NULL,
      scheduled_at DATETIME(3) NOT NULL,
      status ENUM('dropped','skipped') NOT NULL,
      skip_reason VARCHAR(32) NULL,
      funded_mb BIGINT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (activity_id, drop_index),
      CONSTRAINT fk_rain_drops_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
      CONSTRAINT ck_rain_drop_funded CHECK (funded_mb >= 0)
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS activity_rain_drops');
    await q.query('ALTER TABLE activities DROP COLUMN rain_json, DROP COLUMN rain_returned_mb');
    await q.query(`ALTER TABLE red_packets DROP CONSTRAINT ck_red_packet_one_source, DROP KEY ix_red_packets_funder,
      DROP COLUMN funder_name, DROP COLUMN funder_id, DROP COLUMN funder_type`);
    // Funded packets have no sender: they cannot be kept once the column is required again.
    await q.query('ALTER TABLE red_packets MODIFY sender_id BIGINT UNSIGNED NOT NULL');
  }
}
