import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Roles (SPEC §3.10), sponsors and their activities (SPEC §3.9). Operators and sponsor members
 * are keyed by phone, not user id: a grant may name a number that has not signed in yet, and
 * takes effect at its first sign-in without a pending state of its own.
 */
export class SponsorsActivities1764900000000 implements MigrationInterface {
  name = 'SponsorsActivities1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE operators (
      phone CHAR(11) NOT NULL PRIMARY KEY,
      role ENUM('admin','finance','support') NOT NULL,
      granted_by VARCHAR(32) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE sponsors (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      name VARCHAR(64) NOT NULL,
      warn_mb BIGINT NOT NULL DEFAULT 0,
      alert_mb BIGINT NOT NULL DEFAULT 0,
      contacts_json TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE sponsor_members (
      sponsor_id VARCHAR(32) NOT NULL,
      phone CHAR(11) NOT NULL,
      role ENUM('owner','staff') NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (sponsor_id, phone),
      KEY ix_sponsor_members_phone (phone),
      CONSTRAINT fk_sponsor_members_sponsor FOREIGN KEY (sponsor_id) REFERENCES sponsors (id)
    ) ${TABLE_OPTIONS}`);

    // One row per paid purchase: the reference (an invoice, a bank transfer) is unique per sponsor.
    await q.query(`CREATE TABLE sponsor_topups (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      sponsor_id VARCHAR(32) NOT NULL,
      reference VARCHAR(64) NOT NULL,
      amount_mb BIGINT NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      recorded_by VARCHAR(32) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_sponsor_topups_reference (sponsor_id, reference),
      CONSTRAINT fk_sponsor_topups_sponsor FOREIGN KEY (sponsor_id) REFERENCES sponsors (id),
      CONSTRAINT ck_sponsor_topup_positive CHECK (amount_mb > 0)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE activities (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      sponsor_id VARCHAR(32) NOT NULL,
      type ENUM('signin','invite','share','red_packet_rain') NOT NULL,
      title VARCHAR(64) NOT NULL,
      status ENUM('draft','published','paused','ended') NOT NULL,
      starts_at DATETIME(3) NOT NULL,
      ends_at DATETIME(3) NOT NULL,
      budget_mb BIGINT NOT NULL,
      paid_mb BIGINT NOT NULL DEFAULT 0,
      returned_mb BIGINT NOT NULL DEFAULT 0,
      per_user_cap_mb BIGINT NOT NULL,
      reward_mode ENUM('fixed','random') NOT NULL,
      reward_min_mb BIGINT NOT NULL,
      reward_max_mb BIGINT NOT NULL,
      target_provinces TEXT NOT NULL,
      target_carriers VARCHAR(64) NOT NULL,
      new_users_only TINYINT(1) NOT NULL,
      templates_json TEXT NOT NULL,
      helpers_needed INT NULL,
      created_at DATETIME(3) NOT NULL,
      published_at DATETIME(3) NULL,
      ended_at DATETIME(3) NULL,
      KEY ix_activities_sponsor (sponsor_id, created_at),
      KEY ix_activities_due (status, ends_at),
      CONSTRAINT fk_activities_sponsor FOREIGN KEY (sponsor_id) REFERENCES sponsors (id),
      CONSTRAINT ck_activity_paid CHECK (paid_mb >= 0 AND returned_mb >= 0 AND paid_mb + returned_mb <= budget_mb),
      CONSTRAINT ck_activity_reward CHECK (reward_min_mb >= 1 AND reward_min_mb <= reward_max_mb)
    ) ${TABLE_OPTIONS}`);

    // Every reward an activity paid. A check-in carries its Shanghai day: one per user per day,
    // refused by the key whatever the service's own checks said.
    await q.query(`CREATE TABLE activity_rewards (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      activity_id VARCHAR(32) NOT NULL,
      user_id BIGINT UNSIGNED NOT NULL,
      amount_mb BIGINT NOT NULL,
      reason ENUM('checkin','invite','share') NOT NULL,
      day CHAR(10) NULL,
      streak INT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_activity_rewards_day (activity_id, user_id, day),
      KEY ix_activity_rewards_user (user_id, activity_id),
      KEY ix_activity_rewards_activity (activity_id, created_at),
      CONSTRAINT fk_activity_rewards_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
      CONSTRAINT fk_activity_rewards_user FOREIGN KEY (user_id) REFERENCES users (id),
      CONSTRAINT ck_activity_reward_positive CHECK (amount_mb > 0)
    ) ${TABLE_OPTIONS}`);

    // An activity's report counts its messages by template.
    await q.query('ALTER TABLE outbox ADD KEY ix_outbox_template (template)');
    await q.query(`INSERT INTO accounts (code, type, balance_mb, created_at) VALUES ('ext:sponsor_purchases', 'external', 0, NOW(3))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM accounts WHERE code = 'ext:sponsor_purchases' AND balance_mb = 0`);
    await q.query('ALTER TABLE outbox DROP KEY ix_outbox_template');
    for (const table of ['activity_rewards', 'activities', 'sponsor_topups', 'sponsor_members', 'sponsors', 'operators']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
