import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Invite codes and friend-help shares of activities (SPEC §3.9). The keys are the rules: one
 * code and one share per participant and activity, one inviter per new user (ever), one help
 * per friend and share.
 */
export class InvitesAndShares1764900000001 implements MigrationInterface {
  name = 'InvitesAndShares1764900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE activity_invite_codes (
      code VARCHAR(32) NOT NULL PRIMARY KEY,
      activity_id VARCHAR(32) NOT NULL,
      user_id BIGINT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_invite_codes_participant (activity_id, user_id),
      CONSTRAINT fk_invite_codes_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
      CONSTRAINT fk_invite_codes_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE activity_invites (
      invitee_user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
      code VARCHAR(32) NOT NULL,
      inviter_user_id BIGINT UNSIGNED NOT NULL,
      activity_id VARCHAR(32) NOT NULL,
      rewarded TINYINT(1) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_invites_inviter (inviter_user_id),
      CONSTRAINT fk_invites_invitee FOREIGN KEY (invitee_user_id) REFERENCES users (id),
      CONSTRAINT fk_invites_code FOREIGN KEY (code) REFERENCES activity_invite_codes (code)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE activity_shares (
      code VARCHAR(32) NOT NULL PRIMARY KEY,
      activity_id VARCHAR(32) NOT NULL,
      user_id BIGINT UNSIGNED NOT NULL,
      helpers INT NOT NULL DEFAULT 0,
      rewarded_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_shares_participant (activity_id, user_id),
      CONSTRAINT fk_shares_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
      CONSTRAINT fk_shares_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE activity_share_helps (
      code VARCHAR(32) NOT NULL,
      helper_user_id BIGINT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (code, helper_user_id),
      CONSTRAINT fk_share_helps_share FOREIGN KEY (code) REFERENCES activity_shares (code),
      CONSTRAINT fk_share_helps_user FOREIGN KEY (helper_user_id) REFERENCES users (id)
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['activity_share_helps', 'activity_shares', 'activity_invites', 'activity_invite_codes']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
