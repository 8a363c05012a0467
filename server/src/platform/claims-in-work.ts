import { randomUUID } from 'node:crypto';

/**
 * Idempotency records claimed by the work itself (SPEC §4), for a request whose work is one
 * Redis script (the grab): the script claims the key, decides, and for a final answer it can
 * give alone (sold out) stores that answer too — one round trip for a loser instead of claim,
 * work and completion. The edge (http/idempotency.ts) hands the work a `ClaimInWork`; the work
 * tells it what it found (`StoredRequestFound`) and what it stored (`recorded`).
 */

/** What an earlier request left under the key, as the edge replays or refuses it. */
export interface StoredRequest {
  requestHash: string;
  status: 'in_flight' | 'completed';
  responseStatus: number | null;
  responseBody: string | null;
}

export interface ClaimInWork {
  scope: string;
  keyHash: string;
  requestHash: string;
  /** This attempt's own mark on the record: a script run again in the same request finds its own claim, not another's. */
  attempt: string;
  /** Where the work put the record (a key in the work's own hash slot), or null while it has not claimed. */
  key: string | null;
  /** The answer the work stored as final itself; the edge then has nothing to complete. */
  recorded: { status: number; body: string } | null;
}

/** How long a claim in flight holds its key (a grab takes milliseconds; one this late has died), and how long an answer is kept. */
export const IN_WORK_LEASE_MS = 5_000;
export const IN_WORK_RECORD_TTL_SECONDS = 24 * 60 * 60;

export const claimInWork = (scope: string, keyHash: string, requestHash: string): ClaimInWork => ({
  scope,
  keyHash,
  requestHash,
  attempt: randomUUID(),
  key: null,
  recorded: null,
});

/** Thrown by the work whose claim found another request's record under the key: the edge replays or refuses. */
export class StoredRequestFound extends Error {
  constructor(readonly stored: StoredRequest) {
    super('another request holds this idempotency key');
    this.name = 'StoredRequestFound';
  }
}
