import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/** Crowdfunds with their pledges (SPEC §3.5), and tips with what they were given for (SPEC §3.4). */
export class CrowdfundsAndTips1764700000000 implements MigrationInterface {
  name = 'CrowdfundsAndTips1764700000000';

  async up(q: QueryRunner): Promise<void> {
    // `id` is opaque (a link lets a person in); `seq` orders lists and is never shown.
    // `settled_at`: when the escrow was emptied (the goal paid out, or the last pledge refunded).
    await q.query(`CREATE TABLE crowdfunds (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      creator_id BIGINT UNSIGNED NOT NULL,
      title VARCHAR(255) NOT NULL,
      goal_mb BIGINT NOT NULL,
      raised_mb BIGINT NOT NULL DEFAULT 0,
      status ENUM('open','succeeded','failed','cancelled') NOT NULL,
      deadline DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      closed_at DATETIME(3) NULL,
      settled_at DATETIME(3) NULL,
      UNIQUE KEY uq_crowdfunds_seq (seq),
      KEY ix_crowdfunds_due (status, deadline),
      KEY ix_crowdfunds_unsettled (status, settled_at),
      KEY ix_crowdfunds_creator (creator_id, seq),
      CONSTRAINT fk_crowdfunds_creator FOREIGN KEY (creator_id) REFERENCES users (id),
      CONSTRAINT ck_crowdfund_raised CHECK (raised_mb >= 0 AND raised_mb <= goal_mb AND goal_mb >= 1)
    ) ${TABLE_OPTIONS}`);

    // One row per pledge; `refunded_at` set in the transaction that refunds it, so never twice.
    await q.query(`CREATE TABLE crowdfund_pledges (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      id VARCHAR(32) NOT NULL,
      crowdfund_id VARCHAR(32) NOT NULL,
      user_id BIGINT UNSIGNED NOT NULL,
      requested_mb BIGINT NOT NULL,
      amount_mb BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      refunded_at DATETIME(3) NULL,
      UNIQUE KEY uq_crowdfund_pledges_id (id),
      KEY ix_pledges_crowdfund (crowdfund_id, refunded_at, seq),
      KEY ix_pledges_user (user_id, seq),
      CONSTRAINT fk_pledges_crowdfund FOREIGN KEY (crowdfund_id) REFERENCES crowdfunds (id),
      CONSTRAINT fk_pledges_user FOREIGN KEY (user_id) REFERENCES users (id),
      CONSTRAINT ck_pledge_amount CHECK (amount_mb >= 1 AND amount_mb <= requested_mb)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE tips (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      id VARCHAR(32) NOT NULL,
      tipper_id BIGINT UNSIGNED NOT NULL,
      to_user_id BIGINT UNSIGNED NOT NULL,
      target_type ENUM('red_packet','crowdfund','user') NOT NULL,
      target_id VARCHAR(32) NOT NULL,
      amount_mb BIGINT NOT NULL,
      message VARCHAR(255) NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_tips_id (id),
      KEY ix_tips_target (target_type, target_id, tipper_id),
      CONSTRAINT fk_tips_tipper FOREIGN KEY (tipper_id) REFERENCES users (id),
      CONSTRAINT fk_tips_to_user FOREIGN KEY (to_user_id) REFERENCES users (id),
      CONSTRAINT ck_tip_amount CHECK (amount_mb >= 1 AND tipper_id <> to_user_id)
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['tips', 'crowdfund_pledges', 'crowdfunds']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
