import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Sign-in sessions: a short-lived access token names its session, which a refresh token renews
 * and a logout revokes. Refresh tokens are stored only as hashes; the one before the current is
 * kept so its reuse (a stolen token replayed) revokes the session.
 */
export class Sessions1764500000001 implements MigrationInterface {
  name = 'Sessions1764500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sessions (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      user_id BIGINT UNSIGNED NOT NULL,
      refresh_hash CHAR(64) NOT NULL,
      previous_hash CHAR(64) NULL,
      created_at DATETIME(3) NOT NULL,
      refreshed_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      revoked_at DATETIME(3) NULL,
      UNIQUE KEY uq_sessions_refresh (refresh_hash),
      KEY ix_sessions_previous (previous_hash),
      KEY ix_sessions_user (user_id),
      CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS sessions');
  }
}
