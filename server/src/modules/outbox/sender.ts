import type { Deps } from '../../deps';
import { inTransaction, toInt } from '../../db/sql';
import { MessageProviderError, type MessageProvider } from '../../carrier/sms-provider';
import { revealText } from './outbox';

export const OUTBOX_BATCH = 50;
export const OUTBOX_MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;
const RETRY_BASE_MS = 5_000;

interface DueMessage {
  id: string;
  channel: 'sms' | 'email';
  recipient: string;
  template: string;
  text: string;
  sealed: string | null;
  attempts: string;
}

/**
 * Delivers due SMS and e-mail messages to the provider, retrying with backoff. A message is
 * leased before sending (SKIP LOCKED), so two processes never send the same message.
 */
export async function deliverDueMessages(deps: Deps, provider: MessageProvider): Promise<number> {
  const { dataSource, clock, logger } = deps;
  const now = clock.now();
  const due: DueMessage[] = await inTransaction(dataSource, async (sql) => {
    const rows: DueMessage[] = await sql.query(
      `SELECT id, channel, recipient, template, text, sealed, attempts FROM outbox
        WHERE channel IN ('sms', 'email') AND status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
        ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [now, now, OUTBOX_BATCH],
    );
    if (rows.length > 0) {
      await sql.query(`UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN (${rows.map(() => '?').join(',')})`, [
        new Date(now.getTime() + LEASE_MS),
        ...rows.map((r) => r.id),
      ]);
    }
    return rows;
  });
  let sent = 0;
  for (const message of due) {
    try {
      const text = revealText(message.text, message.sealed, deps.config.CODE_HASH_KEY);
      if (message.channel === 'sms') await provider.sendSms(message.recipient, text);
      else await provider.sendEmail(message.recipient, message.template, text);
      await dataSource.query(`UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL WHERE id = ?`, [clock.now(), message.id]);
      sent++;
    } catch (error) {
      const attempts = toInt(message.attempts) + 1;
      // Only the provider's own error type can say "sending again cannot help"; anything else
      // (a bug, a dropped database connection) is treated as passing.
      const refused = error instanceof MessageProviderError && !error.retryable;
      const final = attempts >= OUTBOX_MAX_ATTEMPTS || refused;
      logger.warn({ err: error, messageId: message.id, attempts }, final ? 'message failed for good' : 'message will be retried');
      await dataSource.query(
        `UPDATE outbox SET status = ?, last_error = ?, lease_until = NULL, next_attempt_at = ? WHERE id = ?`,
        [final ? 'failed' : 'pending', String((error as Error).message).slice(0, 255), new Date(clock.now().getTime() + RETRY_BASE_MS * 2 ** attempts), message.id],
      );
    }
  }
  return sent;
}
