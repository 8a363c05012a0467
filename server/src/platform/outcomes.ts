import { createHash, randomUUID } from 'node:crypto';
import { writeLater, type Sql } from '../db/sql';

/**
 * Recovery points of idempotent requests (SPEC §4, after Stripe's design). A request that moves
 * data records, inside the very transaction that does its work, which object that work made:
 * the idempotency key's outcome. A retry of a key whose first attempt may have committed (its
 * process died, its connection dropped) finds the outcome and resumes from it instead of running
 * the work again; a key with no outcome recorded provably committed nothing and may run afresh.
 */
export interface OutcomeRef {
  type: string;
  id: string;
}

export const refText = (ref: OutcomeRef) => `${ref.type}:${ref.id}`;

export function parseRef(text: string): OutcomeRef {
  const at = text.indexOf(':');
  return { type: text.slice(0, at), id: text.slice(at + 1) };
}

/** Thrown inside a transaction whose key already has an outcome: another attempt committed first. */
export class OutcomeAlreadyRecorded extends Error {
  constructor(readonly ref: OutcomeRef) {
    super(`this request's work already committed as ${refText(ref)}`);
    this.name = 'OutcomeAlreadyRecorded';
  }
}

/** What a service that moves data is handed for the request it serves. */
export interface OutcomeRecorder {
  /**
   * Claims the key's outcome inside the work's own transaction (first statement is best: it
   * locks the key's row, so a second attempt waits and then finds the outcome). Throws
   * OutcomeAlreadyRecorded when another attempt committed first; the transaction rolls back.
   */
  record(sql: Sql, ref: OutcomeRef): Promise<void>;
  /**
   * Stores the answer the request will get (`body`, with the route's success status) in the
   * work's own transaction, after `record`: the request then commits once, and the edge has no
   * record to complete after the work. Optional; call it last, with what the service returns.
   */
  answer(sql: Sql, body: unknown): Promise<void>;
  /**
   * An id for a call to another party (the carrier's request id) derived from the key, so a
   * resumed attempt sends the same id and the other side recognises the repeat.
   */
  externalId(purpose: string): string;
}

/** For work that no client key guards (jobs, tests calling services directly). */
export const untrackedOutcome: OutcomeRecorder = {
  async record() {},
  async answer() {},
  externalId: () => randomUUID(),
};

/** The outcome of one idempotency record (scope, key hash), recorded with a compare-and-set. */
export function outcomeRecorder(scope: string, keyHash: string): OutcomeRecorder {
  return {
    async record(sql, ref) {
      const claimed = await sql.query('UPDATE idempotency_keys SET result_ref = ? WHERE scope = ? AND key_hash = ? AND result_ref IS NULL', [refText(ref), scope, keyHash]);
      if (Number(claimed.affectedRows) === 1) return;
      const [row] = await sql.query('SELECT result_ref FROM idempotency_keys WHERE scope = ? AND key_hash = ?', [scope, keyHash]);
      // No row at all: the key was released under us (a bug); refuse rather than run unguarded.
      if (!row?.result_ref) throw new Error(`idempotency record ${scope}/${keyHash} vanished while its request ran`);
      throw new OutcomeAlreadyRecorded(parseRef(row.result_ref));
    },
    // Without an answering edge (answeringInTransaction), the edge stores the answer after the work.
    async answer() {},
    externalId: (purpose) => uuidFrom(createHash('sha256').update(`${purpose}\n${scope}\n${keyHash}`).digest()),
  };
}

/**
 * The recorder the idempotency edge hands a request: `answer` completes the key's record in the
 * work's transaction with the route's success status, and tells the edge (`onAnswered`, with the
 * JSON stored) so that it skips its own write when the work commits with that very answer. The
 * record's `updated_at` stays at its claim: retention counts from there, seconds apart at most.
 */
export function answeringInTransaction(recorder: OutcomeRecorder, scope: string, keyHash: string, successStatus: number, onAnswered: (json: string) => void): OutcomeRecorder {
  return {
    ...recorder,
    async answer(sql, body) {
      const json = JSON.stringify(body ?? null);
      // The key's row is locked by `record` already: the write rides with the work's COMMIT.
      await writeLater(sql, `UPDATE idempotency_keys SET status = 'completed', response_status = ?, response_body = ? WHERE scope = ? AND key_hash = ?`, [
        successStatus,
        json,
        scope,
        keyHash,
      ]);
      onAnswered(json);
    },
  };
}

/**
 * Completes the record whose request never answered (its process died) once a job settles its
 * outcome (a pending deposit reconciled), so its retry gets the settled answer without waiting.
 */
export async function settleOutcome(sql: Sql, ref: OutcomeRef, responseStatus: number, responseBody: unknown, now: Date): Promise<void> {
  await sql.query(`UPDATE idempotency_keys SET status = 'completed', response_status = ?, response_body = ?, updated_at = ? WHERE result_ref = ? AND status = 'in_flight'`, [
    responseStatus,
    JSON.stringify(responseBody),
    now,
    refText(ref),
  ]);
}

/** 16 bytes as a version-4-shaped UUID, the form the carrier takes request ids in. */
function uuidFrom(digest: Buffer): string {
  const b = Buffer.from(digest.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
