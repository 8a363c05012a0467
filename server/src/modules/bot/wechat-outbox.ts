import type { BotOutboxItem, BotOutboxResult, User } from '@liuliang/shared';
import { inTransaction, toInt, type Sql } from '../../db/sql';
import type { Deps } from '../../deps';
import { notFound } from '../../platform/errors';
import { enqueueMessage } from '../outbox/outbox';
import { OUTBOX_MAX_ATTEMPTS } from '../outbox/sender';

/**
 * The `wechat` outbox channel (SPEC §6), delivered by the bot. A wechat message's recipient is
 * the user's phone number, like an SMS: the outbox stays keyed by people, not by chat
 * accounts, and the phone is resolved to the user's bound contact when the bot claims it, so
 * a contact re-bound between writing and sending gets the message on its new account.
 */

/** How long a claimed message is the claimer's alone; unanswered after this, it is offered again. */
export const WECHAT_LEASE_MS = 60_000;
/** The first retry waits this long, each later one twice as long as the one before. */
export const WECHAT_RETRY_BASE_MS = 5_000;
/** last_error is VARCHAR(255). */
const LAST_ERROR_MAX_CHARS = 255;

/**
 * Writes a wechat message for a user who has bound a chat contact; does nothing for one who
 * has not (they hear by SMS only). Call inside the transaction of the change it reports.
 */
export async function enqueueWechatIfBound(sql: Sql, user: Pick<User, 'id' | 'phone'>, template: string, text: string, now: Date): Promise<boolean> {
  const bound = await sql.query('SELECT 1 FROM bot_bindings WHERE user_id = ? LIMIT 1', [user.id]);
  if (bound.length === 0) return false;
  await enqueueMessage(sql, { channel: 'wechat', to: user.phone, template, text }, now);
  return true;
}

/**
 * Hands out up to `limit` due wechat messages whose recipient has a bound contact, each leased
 * (SKIP LOCKED, then lease_until), so no two claims get the same message while it is leased.
 * Each hand-out counts as an attempt.
 */
export async function claimWechatMessages(deps: Deps, limit: number): Promise<BotOutboxItem[]> {
  const { dataSource, clock } = deps;
  const now = clock.now();
  return inTransaction(dataSource, async (sql) => {
    // The subquery only filters: a locking read does not lock rows of a nested subquery, so users and bindings stay unlocked.
    const due: Array<{ id: string; recipient: string; text: string }> = await sql.query(
      `SELECT o.id, o.recipient, o.text FROM outbox o
        WHERE o.channel = 'wechat' AND o.status = 'pending' AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
          AND EXISTS (SELECT 1 FROM users u JOIN bot_bindings b ON b.user_id = u.id WHERE u.phone = o.recipient)
        ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [now, now, limit],
    );
    if (due.length === 0) return [];
    await sql.query(`UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN (${due.map(() => '?').join(',')})`, [
      new Date(now.getTime() + WECHAT_LEASE_MS),
      ...due.map((m) => m.id),
    ]);
    const contacts = await contactsByPhone(sql, [...new Set(due.map((m) => m.recipient))]);
    const items: BotOutboxItem[] = [];
    for (const message of due) {
      const contactId = contacts.get(message.recipient);
      // Unbound since the select above: the lease lapses and the message waits for a binding.
      if (contactId !== undefined) items.push({ id: String(message.id), contactId, text: message.text });
    }
    return items;
  });
}

/** One contact per user is the rule (bindings.ts); should there be more, the newest binding gets the message. */
async function contactsByPhone(sql: Sql, phones: readonly string[]): Promise<Map<string, string>> {
  const rows: Array<{ phone: string; contact_id: string }> = await sql.query(
    `SELECT u.phone, b.contact_id FROM users u JOIN bot_bindings b ON b.user_id = u.id
      WHERE u.phone IN (${phones.map(() => '?').join(',')}) ORDER BY b.created_at DESC, b.contact_id`,
    [...phones],
  );
  const contacts = new Map<string, string>();
  for (const row of rows) if (!contacts.has(row.phone)) contacts.set(row.phone, row.contact_id);
  return contacts;
}

/**
 * Records what the bot did with a message it claimed. `sent` is final whatever came before
 * (the person has the message). `failed` answers the current hand-out only: the message is
 * offered again after a backoff, until OUTBOX_MAX_ATTEMPTS hand-outs have failed; a second
 * report for the same hand-out changes nothing.
 */
export async function recordWechatResult(deps: Deps, messageId: string, result: { status: 'sent' | 'failed'; error?: string }): Promise<BotOutboxResult> {
  const { dataSource, clock } = deps;
  return inTransaction(dataSource, async (sql) => {
    const [row]: Array<{ status: BotOutboxResult['status']; attempts: string; lease_until: Date | null }> = await sql.query(
      `SELECT status, attempts, lease_until FROM outbox WHERE id = ? AND channel = 'wechat' FOR UPDATE`,
      [messageId],
    );
    if (!row) throw notFound('No such wechat message.');
    const attempts = toInt(row.attempts);
    const now = clock.now();
    if (result.status === 'sent') {
      if (row.status !== 'sent') await sql.query(`UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL WHERE id = ?`, [now, messageId]);
      return { id: messageId, status: 'sent', attempts };
    }
    if (row.status !== 'pending' || row.lease_until === null) return { id: messageId, status: row.status, attempts };
    const final = attempts >= OUTBOX_MAX_ATTEMPTS;
    const retryAt = new Date(now.getTime() + WECHAT_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
    await sql.query(`UPDATE outbox SET status = ?, last_error = ?, lease_until = NULL, next_attempt_at = ? WHERE id = ?`, [
      final ? 'failed' : 'pending',
      (result.error ?? 'the bot could not deliver it').slice(0, LAST_ERROR_MAX_CHARS),
      retryAt,
      messageId,
    ]);
    return { id: messageId, status: final ? 'failed' : 'pending', attempts };
  });
}
