import type { BotOutboxItem, BotOutboxResult, BotOutboxResultRequest, User } from '@liuliang/shared';
import { inTransaction, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { botTexts } from './messages';
import { notFound } from '../../platform/errors';
import { enqueueMessage, enqueueMessageLater } from '../outbox/outbox';
import { phonesOfUsersSql, userIdsByPhone } from '../auth';
import { claimDue, recordResult } from '../outbox/delivery';
import type { DeliveryOutcome } from '../outbox/policy';

/**
 * The `wechat` outbox channel (SPEC §6), delivered by the bot. A wechat message's recipient is
 * the user's phone number, like an SMS: the outbox stays keyed by people, not by chat
 * accounts, and the phone is resolved to the user's bound contact when the bot claims it, so
 * a contact re-bound between writing and sending gets the message on its new account.
 */

const WECHAT = ['wechat'] as const;

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
 * The same for a caller that does not need to know whether the user is bound: one insert that
 * checks the binding itself, riding with the transaction's next statement (writeLater).
 */
export async function enqueueWechatLaterIfBound(tx: Tx, user: Pick<User, 'id' | 'phone'>, template: string, text: string, now: Date): Promise<void> {
  await enqueueMessageLater(tx, { channel: 'wechat', to: user.phone, template, text }, now, { sql: 'EXISTS (SELECT 1 FROM bot_bindings WHERE user_id = ?)', params: [user.id] });
}

/** A room message's recipient: rooms and phones never look alike, so one column holds both. */
const ROOM_RECIPIENT_PREFIX = 'room:';

/**
 * Writes a message the bot posts into a chat room (a sponsor's 红包雨 dropping there). Call
 * inside the transaction of the change it reports.
 */
export async function enqueueRoomMessage(sql: Sql, roomId: string, template: string, text: string, now: Date): Promise<void> {
  await enqueueMessage(sql, { channel: 'wechat', to: `${ROOM_RECIPIENT_PREFIX}${roomId}`, template, text }, now);
}

/**
 * Recipients the bot can reach: phones of users with a bound contact (bot_bindings is this
 * module's, users the auth module's), and the rooms whose members it reports.
 */
const BOUND_RECIPIENTS = {
  sql: `${phonesOfUsersSql('SELECT user_id FROM bot_bindings')} UNION SELECT CONCAT(?, room_id) FROM room_members`,
  params: [ROOM_RECIPIENT_PREFIX],
};

/**
 * Hands out up to `limit` due wechat messages whose recipient has a bound contact, through the
 * outbox's one delivery mechanism (leased, each hand-out an attempt), each resolved to the
 * recipient's contact.
 */
export async function claimWechatMessages(deps: Pick<Deps, 'dataSource' | 'clock'>, limit: number): Promise<BotOutboxItem[]> {
  const { dataSource, clock } = deps;
  return inTransaction(dataSource, async (sql) => {
    const due = await claimDue(sql, { channels: WECHAT, limit, now: clock.now(), recipientIn: BOUND_RECIPIENTS });
    if (due.length === 0) return [];
    const contacts = await contactsByPhone(sql, [...new Set(due.filter((m) => !m.recipient.startsWith(ROOM_RECIPIENT_PREFIX)).map((m) => m.recipient))]);
    const items: BotOutboxItem[] = [];
    for (const message of due) {
      if (message.recipient.startsWith(ROOM_RECIPIENT_PREFIX)) {
        items.push({ id: message.id, roomId: message.recipient.slice(ROOM_RECIPIENT_PREFIX.length), text: message.text });
        continue;
      }
      const contactId = contacts.get(message.recipient);
      // Unbound since the claim: the lease lapses and the message waits for a binding.
      if (contactId !== undefined) items.push({ id: message.id, contactId, text: message.text });
    }
    return items;
  });
}

/** One contact per user is the rule (bindings.ts); should there be more, the newest binding gets the message. */
async function contactsByPhone(sql: Sql, phones: readonly string[]): Promise<Map<string, string>> {
  const userIds = await userIdsByPhone(sql, phones);
  if (userIds.size === 0) return new Map();
  const rows: Array<{ user_id: string; contact_id: string }> = await sql.query(
    `SELECT user_id, contact_id FROM bot_bindings WHERE user_id IN (${[...userIds.values()].map(() => '?').join(',')}) ORDER BY created_at DESC, contact_id`,
    [...userIds.values()],
  );
  const contactOfUser = new Map<string, string>();
  for (const row of rows) if (!contactOfUser.has(String(row.user_id))) contactOfUser.set(String(row.user_id), row.contact_id);
  const contacts = new Map<string, string>();
  for (const [phone, userId] of userIds) {
    const contactId = contactOfUser.get(userId);
    if (contactId !== undefined) contacts.set(phone, contactId);
  }
  return contacts;
}

/**
 * Records what the bot did with a message it claimed, under the outbox's one retry policy:
 * `sent` is final; `failed` is retried with backoff up to the last attempt unless the bot says
 * `retryable: false` (sending again cannot help), which fails it now.
 */
export async function recordWechatResult(deps: Pick<Deps, 'dataSource' | 'clock'>, messageId: string, result: BotOutboxResultRequest): Promise<BotOutboxResult> {
  const { dataSource, clock } = deps;
  const outcome: DeliveryOutcome =
    result.status === 'sent' ? { status: 'sent' } : { status: 'failed', retryable: result.retryable ?? true, error: result.error ?? 'the bot could not deliver it' };
  const recorded = await inTransaction(dataSource, (sql) => recordResult(sql, messageId, outcome, { now: clock.now(), channels: WECHAT }));
  if (!recorded) throw notFound(botTexts.noSuchWechatMessage);
  return recorded;
}
