import { shanghaiDay, signedActivitySms, type MessageSettings } from '@liuliang/shared';
import { isDuplicateKey, toInt, type InsertResult, type Sql, type Tx } from '../../db/sql';
import type { Config } from '../../config';
import { enqueueMessage } from './outbox';
import { releaseAfterQuietHours, type QuietHours } from './quiet-hours';

/**
 * The rules every activity message obeys (SPEC §3.9), in the one place that writes them to the
 * outbox: opt-out, at most N a day per person across all sponsors, quiet hours. Sign-in codes,
 * gift notices and receipts never come here, so none of this can hold them back.
 *
 * Once only: each activity message carries a key naming what it is for (this broadcast to this
 * user, this reward, this day's reminder). The key is UNIQUE in the outbox and in the skips, and
 * the person's day-count row is locked first, so a retry, a resumed job or a second process that
 * writes the same message again finds it written and changes nothing.
 */

export interface ActivityMessageRules {
  perUserPerDay: number;
  quiet: QuietHours;
}

export function activityMessageRules(config: Config): ActivityMessageRules {
  return { perUserPerDay: config.ACTIVITY_MESSAGES_PER_USER_PER_DAY, quiet: { startHour: config.QUIET_HOURS_START, endHour: config.QUIET_HOURS_END } };
}

export interface ActivityMessage {
  activityId: string;
  /** What this message is for, once: `broadcast:<id>:<userId>`, `rewarded:<rewardId>`, … */
  onceKey: string;
  /** The outbox template label the report counts by. */
  template: string;
  phone: string;
  sponsor: string;
  /** Rendered for this person; signed and prefixed with the sponsor per channel here. */
  text: string;
  /** The user has a bound chat contact: the bot delivers it, else an SMS does. */
  viaWechat: boolean;
}

export type ActivityMessageOutcome = 'queued' | 'opted_out' | 'over_cap' | 'already_written';

/** Writes one activity message under the rules; call inside the transaction of what it reports. */
export async function enqueueActivityMessage(sql: Tx, message: ActivityMessage, rules: ActivityMessageRules, now: Date): Promise<ActivityMessageOutcome> {
  const sendAt = releaseAfterQuietHours(now, rules.quiet);
  const day = shanghaiDay(sendAt);
  // The day row serialises one person's activity messages: the cap holds under racing writers.
  await sql.query('INSERT IGNORE INTO message_day_counts (phone, day, messages) VALUES (?, ?, 0)', [message.phone, day]);
  const [counted] = await sql.query('SELECT messages FROM message_day_counts WHERE phone = ? AND day = ? FOR UPDATE', [message.phone, day]);
  const written = await sql.query('SELECT 1 FROM outbox WHERE once_key = ? UNION ALL SELECT 1 FROM activity_message_skips WHERE once_key = ? LIMIT 1', [
    message.onceKey,
    message.onceKey,
  ]);
  if (written.length > 0) return 'already_written';
  const reason = (await isOptedOut(sql, message.phone)) ? 'opted_out' : toInt(counted.messages) >= rules.perUserPerDay ? 'over_cap' : null;
  if (reason !== null) {
    await sql.query('INSERT IGNORE INTO activity_message_skips (once_key, activity_id, phone, reason, created_at) VALUES (?, ?, ?, ?, ?)', [
      message.onceKey,
      message.activityId,
      message.phone,
      reason,
      now,
    ]);
    return reason;
  }
  try {
    await enqueueMessage(
      sql,
      {
        channel: message.viaWechat ? 'wechat' : 'sms',
        to: message.phone,
        template: message.template,
        text: message.viaWechat ? `${message.sponsor}：${message.text}` : signedActivitySms(message.sponsor, message.text),
        activity: { id: message.activityId, onceKey: message.onceKey },
      },
      now,
      sendAt,
    );
  } catch (error) {
    if (isDuplicateKey(error)) return 'already_written';
    throw error;
  }
  await sql.query('UPDATE message_day_counts SET messages = messages + 1 WHERE phone = ? AND day = ?', [message.phone, day]);
  return 'queued';
}

async function isOptedOut(sql: Sql, phone: string): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM message_optouts WHERE phone = ?', [phone])).length > 0;
}

export type OptOutSource = 'sms' | 'bot' | 'app';

/**
 * Stops activity messages to a phone, those already waiting (quiet hours, a backlog) included;
 * codes, gift notices and receipts are untouched. Idempotent.
 */
export async function optOut(sql: Tx, phone: string, source: OptOutSource, now: Date): Promise<void> {
  await sql.query('INSERT IGNORE INTO message_optouts (phone, source, created_at) VALUES (?, ?, ?)', [phone, source, now]);
  await sql.query(`UPDATE outbox SET status = 'cancelled', lease_until = NULL WHERE recipient = ? AND activity_id IS NOT NULL AND status = 'pending'`, [phone]);
}

/** Lets activity messages reach the phone again (from now on; cancelled ones stay cancelled). */
export async function optIn(sql: Sql, phone: string): Promise<void> {
  await sql.query('DELETE FROM message_optouts WHERE phone = ?', [phone]);
}

export async function messageSettingsOf(sql: Sql, phone: string): Promise<MessageSettings> {
  return { activityMessages: !(await isOptedOut(sql, phone)) };
}

/** The provider's id for a message it took, so that its delivery receipt finds the row. */
export async function rememberProviderMessageId(sql: Sql, messageId: string, providerMessageId: string): Promise<void> {
  await sql.query('UPDATE outbox SET provider_message_id = ? WHERE id = ?', [providerMessageId, messageId]);
}

/** Records the provider's delivery receipt; false for an id it never gave us. Repeats are harmless. */
export async function recordDeliveryReceipt(sql: Sql, providerMessageId: string, status: 'delivered' | 'failed'): Promise<boolean> {
  const result: InsertResult = await sql.query(`UPDATE outbox SET receipt = ? WHERE provider_message_id = ? AND channel IN ('sms','email')`, [status, providerMessageId]);
  return result.affectedRows > 0;
}

export interface ActivityMessageCounts {
  /** Handed to the provider or the bot. */
  sent: number;
  /** Reached the person: a delivery receipt for SMS, the bot's own delivery for wechat. */
  delivered: number;
  /** Failed for good, or the provider's receipt said so. */
  failed: number;
  /** Not sent, or stopped while waiting, because the person opted out. */
  optedOut: number;
}

/** How an activity's messages fared, for its report. */
export async function countActivityMessages(sql: Sql, activityId: string): Promise<ActivityMessageCounts> {
  const [row] = await sql.query(
    `SELECT COALESCE(SUM(status = 'sent'), 0) AS sent,
            COALESCE(SUM(status = 'sent' AND (receipt = 'delivered' OR (channel = 'wechat' AND receipt IS NULL))), 0) AS delivered,
            COALESCE(SUM(status = 'failed' OR receipt = 'failed'), 0) AS failed,
            COALESCE(SUM(status = 'cancelled'), 0) AS cancelled
       FROM outbox WHERE activity_id = ?`,
    [activityId],
  );
  const [skips] = await sql.query(`SELECT COUNT(*) AS n FROM activity_message_skips WHERE activity_id = ? AND reason = 'opted_out'`, [activityId]);
  return { sent: toInt(row.sent), delivered: toInt(row.delivered), failed: toInt(row.failed), optedOut: toInt(row.cancelled) + toInt(skips.n) };
}
