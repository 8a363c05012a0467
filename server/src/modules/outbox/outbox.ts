import type { OutboxItem } from '@liuliang/shared';
import type { Sql, InsertResult } from '../../db/sql';

export type Channel = OutboxItem['channel'];

export interface OutgoingMessage {
  channel: Channel;
  /** A phone number for sms, an e-mail address, or a phone number for wechat (resolved to the bound contact). */
  to: string;
  template: string;
  text: string;
}

/**
 * One outbox for every message the product sends (SPEC §6). Writing the message in the same
 * transaction as the change it reports means a message is never lost nor sent for a rolled-back change.
 */
export async function enqueueMessage(sql: Sql, message: OutgoingMessage, now: Date): Promise<string> {
  const result: InsertResult = await sql.query(
    `INSERT INTO outbox (channel, recipient, template, text, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
    [message.channel, message.to, message.template, message.text, now, now],
  );
  return String(result.insertId);
}

export const MAX_OUTBOX_PAGE = 100;

export async function listOutbox(sql: Sql, to: string | undefined, limit: number): Promise<OutboxItem[]> {
  const rows: Array<{ id: string; channel: Channel; recipient: string; text: string; status: OutboxItem['status']; created_at: Date }> =
    to === undefined
      ? await sql.query('SELECT id, channel, recipient, text, status, created_at FROM outbox ORDER BY id DESC LIMIT ?', [limit])
      : await sql.query('SELECT id, channel, recipient, text, status, created_at FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT ?', [to, limit]);
  return rows.map((r) => ({
    id: String(r.id),
    channel: r.channel,
    to: r.recipient,
    text: r.text,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
