import type { OutboxItem } from '@liuliang/shared';
import { writeLater, type Sql, type InsertResult, type Tx } from '../../db/sql';
import { seal, unseal } from '../../platform/seal';

/** Where a message's sealed secret (a sign-in code) stands in its stored text. */
export const SECRET_PLACEHOLDER = '{secret}';

export type Channel = OutboxItem['channel'];

export interface OutgoingMessage {
  channel: Channel;
  /** A phone number for sms, an e-mail address, or a phone number for wechat (resolved to the bound contact). */
  to: string;
  template: string;
  text: string;
  /**
   * A secret the text carries (a sign-in code): stored sealed, never in clear text, and put in
   * place of SECRET_PLACEHOLDER only when the message is delivered. Needs `sealKey`.
   */
  secret?: { value: string; sealKey: string };
  /** An activity message (activity-messages.ts): its activity, for the report, and its once-only key. */
  activity?: { id: string; onceKey: string };
}

/** The text as the recipient reads it: the sealed secret, if any, opened and put in place. */
export function revealText(text: string, sealed: string | null, sealKey: string): string {
  return sealed ? text.replace(SECRET_PLACEHOLDER, unseal(sealKey, sealed)) : text;
}

/**
 * One outbox for every message the product sends (SPEC §6). Writing the message in the same
 * transaction as the change it reports means a message is never lost nor sent for a rolled-back change.
 */
export async function enqueueMessage(sql: Sql, message: OutgoingMessage, now: Date, sendAt: Date = now): Promise<string> {
  const result: InsertResult = await sql.query(`INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES (${OUTBOX_VALUES})`, outboxValues(message, now, sendAt));
  return String(result.insertId);
}

/**
 * The same, when nobody needs the message's id: the insert rides with the transaction's next
 * statement (writeLater). `onlyIf`, an SQL condition, makes it write the message only when the
 * condition holds as the insert runs (the caller's table, the caller's SQL).
 */
export async function enqueueMessageLater(tx: Tx, message: OutgoingMessage, now: Date, onlyIf?: { sql: string; params: unknown[] }): Promise<void> {
  // An activity message's once-only key is unique: its refusal must surface at its own insert (enqueueMessage), not a later one.
  if (message.activity) throw new Error('an activity message goes through enqueueMessage');
  if (!onlyIf) await writeLater(tx, `INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES (${OUTBOX_VALUES})`, outboxValues(message, now));
  else await writeLater(tx, `INSERT INTO outbox ${OUTBOX_COLUMNS} SELECT ${OUTBOX_VALUES} FROM DUAL WHERE ${onlyIf.sql}`, [...outboxValues(message, now), ...onlyIf.params]);
}

const OUTBOX_COLUMNS = '(channel, recipient, template, text, sealed, status, attempts, next_attempt_at, created_at, activity_id, once_key)';
const OUTBOX_VALUES = "?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?";
const outboxValues = (message: OutgoingMessage, now: Date, sendAt: Date = now) => [
  message.channel,
  message.to,
  message.template,
  message.text,
  message.secret ? seal(message.secret.sealKey, message.secret.value) : null,
  sendAt,
  now,
  message.activity?.id ?? null,
  message.activity?.onceKey ?? null,
];

export const MAX_OUTBOX_PAGE = 100;

/** The outbox as the opt-in dev outbox shows it: texts as delivered, secrets opened. */
export async function listOutbox(sql: Sql, to: string | undefined, limit: number, sealKey: string): Promise<OutboxItem[]> {
  const rows: Array<{ id: string; channel: Channel; recipient: string; text: string; sealed: string | null; status: OutboxItem['status']; created_at: Date }> =
    to === undefined
      ? await sql.query('SELECT id, channel, recipient, text, sealed, status, created_at FROM outbox ORDER BY id DESC LIMIT ?', [limit])
      : await sql.query('SELECT id, channel, recipient, text, sealed, status, created_at FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT ?', [to, limit]);
  return rows.map((r) => ({
    id: String(r.id),
    channel: r.channel,
    to: r.recipient,
    text: revealText(r.text, r.sealed, sealKey),
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
