import { withRetry } from '@liuliang/shared';
import type { Logger } from '../logger';
import type { ClaimedOutboxItem, OutboxResult } from '../service/schemas';

export const DEFAULT_OUTBOX_POLL_INTERVAL_MS = 2000;
/** A bounded batch: with the poll interval it also bounds how fast the bot sends (WeChat punishes bursts). */
export const DEFAULT_OUTBOX_BATCH_SIZE = 20;
/** While the service cannot be reached, polls slow down to this at most. */
const MAX_BACKOFF_MS = 60_000;
/** Marking an item is retried a few times: an unmarked item is sent again when its lease ends. */
const MARK_ATTEMPTS = 3;
const MARK_RETRY_DELAY_MS = 500;
const ERROR_TEXT_MAX_CHARS = 500;

export interface OutboxPollerOptions {
  claim: (limit: number) => Promise<ClaimedOutboxItem[]>;
  report: (itemId: string, result: OutboxResult) => Promise<void>;
  /** Delivers one message to a contact, or into a room (`isRoom`); throws when it cannot. */
  send: (conversationId: string, isRoom: boolean, text: string) => Promise<void>;
  intervalMs: number;
  batchSize: number;
  logger: Logger;
}

/**
 * Delivers the service's `wechat` outbox channel (SPEC §6): claims a bounded batch at a steady
 * pace, sends each message, and marks each one right after sending it, so that a restart in the
 * middle of a batch resends nothing already sent.
 */
export class OutboxPoller {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private current: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(private readonly options: OutboxPollerOptions) {
    if (!(options.batchSize >= 1)) throw new RangeError(`batchSize must be >= 1, got ${options.batchSize}`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleNext(0);
  }

  /** Stops claiming; resolves once the batch being sent (if any) is sent and marked. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }

  /** One claim-and-deliver round; exposed so a test can drive it without timers. */
  async deliverBatch(): Promise<number> {
    const items = await this.options.claim(this.options.batchSize);
    for (const item of items.slice(0, this.options.batchSize)) {
      await this.deliver(item);
    }
    return items.length;
  }

  private scheduleNext(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.current = this.round();
    }, delayMs);
  }

  private async round(): Promise<void> {
    try {
      await this.deliverBatch();
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.options.logger.warn(`outbox: claim failed (${this.failures} in a row): ${String(error)}`);
    }
    const backoffMs = Math.min(MAX_BACKOFF_MS, this.options.intervalMs * 2 ** Math.min(this.failures, 10));
    this.scheduleNext(this.failures === 0 ? this.options.intervalMs : backoffMs);
  }

  private async deliver(item: ClaimedOutboxItem): Promise<void> {
    let result: OutboxResult;
    const [conversationId, isRoom] = 'roomId' in item ? [item.roomId, true] : [item.contactId, false];
    try {
      await this.options.send(conversationId, isRoom, item.text);
      result = { status: 'sent' };
    } catch (error) {
      result = { status: 'failed', error: String(error).slice(0, ERROR_TEXT_MAX_CHARS) };
      this.options.logger.warn(`outbox: cannot deliver ${item.id} to ${isRoom ? 'room' : 'contact'} ${conversationId}: ${result.error}`);
    }
    await this.mark(item.id, result);
  }

  private async mark(itemId: string, result: OutboxResult): Promise<void> {
    try {
      await withRetry(() => this.options.report(itemId, result), {
        maxAttempts: MARK_ATTEMPTS,
        delayMs: (attempt) => MARK_RETRY_DELAY_MS * attempt,
        onRetry: (error, attempt) => this.options.logger.warn(`outbox: cannot mark ${itemId} ${result.status} (attempt ${attempt}): ${String(error)}`),
      });
    } catch (error) {
      this.options.logger.warn(`outbox: cannot mark ${itemId} ${result.status} (attempt ${MARK_ATTEMPTS}): ${String(error)}`);
    }
  }
}
