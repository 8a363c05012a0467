import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Share groups (SPEC §3.6): a family pool (the group's escrow account in the ledger), its
 * members by phone, and every movement of the pool (fund, draw, reclaim, close) with the
 * Asia/Shanghai month it counts in, from which quotas are summed and the audit checks the pool.
 */
export class ShareGroups1764800000000 implements MigrationInterface {
  name = 'ShareGroups1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // `seq` orders groups without ever being shown; `id` is the opaque id people see (SPEC §4).
    await q.query(`CREATE TABLE share_groups (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      owner_id BIGINT UNSIGNED NOT NULL,
      name VARCHAR(64) NOT NULL,
      monthly_quota_mb BIGINT NOT NULL,
      status ENUM('active','closed') NOT NULL,
      created_at DATETIME(3) NOT NULL,
      closed_at DATETIME(3) NULL,
      UNIQUE KEY uq_share_groups_seq (seq),
      KEY ix_share_groups_owner (owner_id, status),
      CONSTRAINT fk_share_groups_owner FOREIGN KEY (owner_id) REFERENCES users (id),
      CONSTRAINT ck_share_group_quota CHECK (monthly_quota_mb > 0)
    ) ${TABLE_OPTIONS}`);

    // One row per number in a group; a number belongs to at most one group (the unique phone),
    // as on a carrier's family plan. A removed member's row is deleted; their draws stay below.
    await q.query(`CREATE TABLE share_group_members (
      seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      group_id VARCHAR(32) NOT NULL,
      phone VARCHAR(16) NOT NULL,
      user_id BIGINT UNSIGNED NULL,
      added_at DATETIME(3) NOT NULL,
      joined_at DATETIME(3) NULL,
      UNIQUE KEY uq_share_group_members_seq (seq),
      UNIQUE KEY uq_share_group_members_phone (phone),
      UNIQUE KEY uq_share_group_members_user (user_id),
      KEY ix_share_group_members_group (group_id, seq),
      CONSTRAINT fk_share_group_members_group FOREIGN KEY (group_id) REFERENCES share_groups (id),
      CONSTRAINT fk_share_group_members_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ${TABLE_OPTIONS}`);

    // Written once with its ledger transfer and never changed: quotas are summed from draws,
    // and the pool's escrow must equal funds minus draws and reclaims (the audit checks).
    await q.query(`CREATE TABLE share_group_movements (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      group_id VARCHAR(32) NOT NULL,
      user_id BIGINT UNSIGNED NOT NULL,
      kind ENUM('fund','draw','reclaim','close') NOT NULL,
      amount_mb BIGINT NOT NULL,
      month CHAR(7) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_share_group_movements_quota (group_id, user_id, month, kind),
      CONSTRAINT fk_share_group_movements_group FOREIGN KEY (group_id) REFERENCES share_groups (id),
      CONSTRAINT fk_share_group_movements_user FOREIGN KEY (user_id) REFERENCES users (id),
      CONSTRAINT ck_share_group_movement_positive CHECK (amount_mb > 0)
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['share_group_movements', 'share_group_members', 'share_groups']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
