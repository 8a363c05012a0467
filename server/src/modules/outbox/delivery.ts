import type { Sql } from '../../db/sql';
import { toInt } from '../../db/sql';
import type { Channel } from './outbox';
import { afterFailure, OUTBOX_LEASE_MS, type DeliveryOutcome } from './policy';

/**
 * The one delivery mechanism of the outbox (SPEC §6), for every channel: a deliverer claims
 * due messages under a lease, delivers them, and records each result; the policy in policy.ts
 * decides when a failed one is offered again. The SMS/e-mail sender runs it in-process; the bot
 * runs it over HTTP (/bot/outbox/claim and /bot/outbox/:id/result).
 */

/** Bound on one claim: a batch held by one deliverer is a batch no other can send. */
export const OUTBOX_CLAIM_MAX = 100;
/** last_error is VARCHAR(255). */
const LAST_ERROR_MAX_CHARS = 255;

export interface ClaimedMessage {
  id: string;
  channel: Channel;
  recipient: string;
  template: string;
  text: string;
  sealed: string | null;
  /** Hand-outs so far, this one included. */
  attempts: number;
}

/**
 * Narrows a claim to messages whose recipient is among the rows of a subquery the caller owns
 * (one column, the recipient). The outbox knows nothing of the tables it reads.
 */
export interface RecipientFilter {
  sql: string;
  params: readonly unknown[];
}

export interface ClaimOptions {
  channels: readonly Channel[];
  limit: number;
  now: Date;
  leaseMs?: number;
  recipientIn?: RecipientFilter;
}

/**
 * Leases up to `limit` due messages of the given channels and counts the hand-out as an
 * attempt. Run it inside a transaction: FOR UPDATE SKIP LOCKED keeps two concurrent claims
 * apart until commit, the lease (lease_until) after it, so no message is held by two deliverers.
 */
export async function claimDue(sql: Sql, options: ClaimOptions): Promise<ClaimedMessage[]> {
  const { channels, limit, now, leaseMs = OUTBOX_LEASE_MS, recipientIn } = options;
  if (channels.length === 0) throw new RangeError('a claim names at least one channel');
  if (!(Number.isSafeInteger(limit) && limit >= 1 && limit <= OUTBOX_CLAIM_MAX)) throw new RangeError(`a claim takes 1..${OUTBOX_CLAIM_MAX} messages, got ${limit}`);
  // A locking read does not lock the rows of a nested subquery: the caller's tables stay unlocked.
  const rows: Array<Omit<ClaimedMessage, 'attempts'> & { attempts: string | number }> = await sql.query(
    `SELECT o.id, o.channel, o.recipient, o.template, o.text, o.sealed, o.attempts FROM outbox o
      WHERE o.channel IN (${channels.map(() => '?').join(',')}) AND o.status = 'pending' AND o.next_attempt_at <= ?
        AND (o.lease_until IS NULL OR o.lease_until <= ?)
        ${recipientIn ? `AND o.recipient IN (${recipientIn.sql})` : ''}
      ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED`,
    [...channels, now, now, ...(recipientIn?.params ?? []), limit],
  );
  if (rows.length === 0) return [];
  await sql.query(`UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN (${rows.map(() => '?').join(',')})`, [
    new Date(now.getTime() + leaseMs),
    ...rows.map((r) => r.id),
  ]);
  return rows.map((r) => ({ ...r, id: String(r.id), attempts: toInt(r.attempts) + 1 }));
}

export interface RecordedResult {
  id: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
}

/**
 * Records how a claimed message's delivery ended; run it inside a transaction. `sent` is final
 * whatever came before (the person has the message). A failure answers the current hand-out
 * only: it is offered again after the policy's backoff, or fails for good when the policy says
 * so; a second report for the same hand-out changes nothing. Answers undefined for a message
 * that is not there or not of `channels`.
 */
export async function recordResult(
  sql: Sql,
  messageId: string,
  outcome: DeliveryOutcome,
  options: { now: Date; channels: readonly Channel[] },
): Promise<RecordedResult | undefined> {
  const { now, channels } = options;
  const [row]: Array<{ status: RecordedResult['status']; attempts: string | number; lease_until: Date | null }> = await sql.query(
    `SELECT status, attempts, lease_until FROM outbox WHERE id = ? AND channel IN (${channels.map(() => '?').join(',')}) FOR UPDATE`,
    [messageId, ...channels],
  );
  if (!row) return undefined;
  const attempts = toInt(row.attempts);
  if (outcome.status === 'sent') {
    if (row.status !== 'sent') await sql.query(`UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL WHERE id = ?`, [now, messageId]);
    return { id: messageId, status: 'sent', attempts };
  }
  if (row.status !== 'pending' || row.lease_until === null) return { id: messageId, status: row.status, attempts };
  const { final, retryAt } = afterFailure(attempts, outcome.retryable, now);
  await sql.query(`UPDATE outbox SET status = ?, last_error = ?, lease_until = NULL, next_attempt_at = ? WHERE id = ?`, [
    final ? 'failed' : 'pending',
    outcome.error.slice(0, LAST_ERROR_MAX_CHARS),
    retryAt,
    messageId,
  ]);
  return { id: messageId, status: final ? 'failed' : 'pending', attempts };
}
