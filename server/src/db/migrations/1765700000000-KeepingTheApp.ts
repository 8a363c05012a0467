import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Issue 16, what makes people keep the app:
 * - `user_avatars`: an uploaded face (image bytes, its type), served at an opaque id; the
 *   user's row names the current one (NULL: the face generated from the nickname).
 * - `notice_reads`: which lines of the message centre a user has read, by the notice's id.
 * - `transfers.arrived_*_expires_at`: the expiries of the data a transfer credited to an
 *   internal account (earliest and latest piece), so a received gift or grabbed packet says
 *   when what arrived expires. NULL for transfers to an external account and for older rows.
 */
export class KeepingTheApp1765700000000 implements MigrationInterface {
  name = 'KeepingTheApp1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE user_avatars (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      user_id BIGINT UNSIGNED NOT NULL,
      content_type VARCHAR(32) NOT NULL,
      bytes MEDIUMBLOB NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_user_avatars_user (user_id),
      CONSTRAINT fk_user_avatars_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ${TABLE_OPTIONS}`);
    await q.query('ALTER TABLE users ADD COLUMN avatar_id VARCHAR(32) NULL');
    await q.query(`CREATE TABLE notice_reads (
      user_id BIGINT UNSIGNED NOT NULL,
      notice_id VARCHAR(64) NOT NULL,
      read_at DATETIME(3) NOT NULL,
      PRIMARY KEY (user_id, notice_id),
      KEY ix_notice_reads_user_read (user_id, read_at),
      CONSTRAINT fk_notice_reads_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ${TABLE_OPTIONS}`);
    await q.query('ALTER TABLE transfers ADD COLUMN arrived_first_expires_at DATETIME(3) NULL, ADD COLUMN arrived_last_expires_at DATETIME(3) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE transfers DROP COLUMN arrived_first_expires_at, DROP COLUMN arrived_last_expires_at');
    await q.query('DROP TABLE IF EXISTS notice_reads');
    await q.query('ALTER TABLE users DROP COLUMN avatar_id');
    await q.query('DROP TABLE IF EXISTS user_avatars');
  }
}
