import { doublingDelayMs } from '@liuliang/shared';

/**
 * The one retry policy of the outbox (SPEC §6), whatever the channel: an SMS the provider
 * could not take and a wechat message the bot could not deliver wait, and give up, alike.
 */

/** A message is handed out at most this many times; the failure of the last one is final. */
export const OUTBOX_MAX_ATTEMPTS = 5;
/** The first retry waits this long, each later one twice as long as the one before... */
export const OUTBOX_RETRY_BASE_MS = 5_000;
/** ...but never longer than this, should OUTBOX_MAX_ATTEMPTS grow. */
export const OUTBOX_RETRY_CAP_MS = 15 * 60_000;
/** How long a claimed message is the claimer's alone; unanswered after this, it is offered again. */
export const OUTBOX_LEASE_MS = 60_000;

/** How a delivery attempt ended, as the deliverer tells it. */
export type DeliveryOutcome =
  | { status: 'sent' }
  /** `retryable: false` when sending again cannot help (the provider refused the message). */
  | { status: 'failed'; retryable: boolean; error: string };

/** What becomes of a message whose `attempts`-th hand-out failed. */
export function afterFailure(attempts: number, retryable: boolean, now: Date): { final: boolean; retryAt: Date } {
  if (!(Number.isSafeInteger(attempts) && attempts >= 1)) throw new RangeError(`a failed message has been attempted at least once, got ${attempts}`);
  const final = !retryable || attempts >= OUTBOX_MAX_ATTEMPTS;
  return { final, retryAt: new Date(now.getTime() + retryDelayMs(attempts)) };
}

/** The wait after the `attempts`-th failed hand-out: base, 2×base, 4×base, … up to the cap. */
export function retryDelayMs(attempts: number): number {
  return doublingDelayMs(attempts, OUTBOX_RETRY_BASE_MS, OUTBOX_RETRY_CAP_MS);
}
