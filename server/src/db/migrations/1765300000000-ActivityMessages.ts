import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Personalised activity messages (SPEC §3.9, §6).
 * - outbox: an activity message names its activity and carries a once-only key (a broadcast's
 *   recipient, a reward, an activity's end, a day's reminder): the UNIQUE key is what makes a
 *   broadcast resumed after a crash send nobody twice. The provider's message id and its delivery
 *   receipt land on the row; `cancelled` is an activity message an opt-out stopped while it waited.
 * - message_optouts: phones that stopped activity messages (TD to an SMS, 退订 to the bot, the app).
 * - message_day_counts: activity messages per user per Shanghai day (the daily cap), row-locked.
 * - activity_message_skips: recipients an activity message was not sent to, and why, for the report.
 * - broadcasts: one template to an audience, sent in batches from a cursor over user ids: a
 *   sponsor's broadcast, an activity's `ended` message, and a signin activity's daily reminder
 *   (its id names the activity and the day, so a day has one reminder however many times the
 *   scheduler runs).
 * - activities.reminder_at: `HH:MM` Asia/Shanghai of that reminder.
 */
export class ActivityMessages1765300000000 implements MigrationInterface {
  name = 'ActivityMessages1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox
      MODIFY status ENUM('pending','sent','failed','cancelled') NOT NULL DEFAULT 'pending',
      ADD COLUMN activity_id VARCHAR(64) NULL,
      ADD COLUMN once_key VARCHAR(128) NULL,
      ADD COLUMN provider_message_id VARCHAR(128) NULL,
      ADD COLUMN receipt ENUM('delivered','failed') NULL,
      ADD UNIQUE KEY uq_outbox_once_key (once_key),
      ADD KEY ix_outbox_activity (activity_id),
      ADD KEY ix_outbox_provider_message (provider_message_id)`);
    await q.query(`CREATE TABLE message_optouts (
      phone CHAR(11) NOT NULL PRIMARY KEY,
      source ENUM('sms','bot','app') NOT NULL,
      created_at DATETIME(3) NOT NULL
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE message_day_counts (
      phone CHAR(11) NOT NULL,
      day CHAR(10) NOT NULL,
      messages INT UNSIGNED NOT NULL,
      PRIMARY KEY (phone, day)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE activity_message_skips (
      once_key VARCHAR(128) NOT NULL PRIMARY KEY,
      activity_id VARCHAR(64) NOT NULL,
      phone CHAR(11) NOT NULL,
      reason ENUM('opted_out','over_cap') NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_activity_message_skips_activity (activity_id, reason)
    ) ${TABLE_OPTIONS}`);
    await q.query(`CREATE TABLE broadcasts (
      id VARCHAR(64) NOT NULL PRIMARY KEY,
      activity_id VARCHAR(64) NOT NULL,
      kind ENUM('broadcast','ended','reminder') NOT NULL,
      template TEXT NOT NULL,
      audience ENUM('participants','eligible_not_joined','not_checked_in_today') NOT NULL,
      send_at DATETIME(3) NOT NULL,
      status ENUM('sending','done') NOT NULL DEFAULT 'sending',
      recipients INT UNSIGNED NOT NULL,
      cursor_user_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      KEY ix_broadcasts_due (status, send_at),
      KEY ix_broadcasts_activity (activity_id)
    ) ${TABLE_OPTIONS}`);
    await q.query(`ALTER TABLE activities ADD COLUMN reminder_at CHAR(5) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE activities DROP COLUMN reminder_at');
    await q.query('DROP TABLE IF EXISTS broadcasts');
    await q.query('DROP TABLE IF EXISTS activity_message_skips');
    await q.query('DROP TABLE IF EXISTS message_day_counts');
    await q.query('DROP TABLE IF EXISTS message_optouts');
    await q.query(`DELETE FROM outbox WHERE status = 'cancelled'`);
    await q.query(`ALTER TABLE outbox DROP KEY uq_outbox_once_key, DROP KEY ix_outbox_activity, DROP KEY ix_outbox_provider_message,
      DROP COLUMN activity_id, DROP COLUMN once_key, DROP COLUMN provider_message_id, DROP COLUMN receipt,
      MODIFY status ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending'`);
  }
}
