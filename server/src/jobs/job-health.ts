import type { Redis } from 'ioredis';
import type { Clock } from '../platform/clock';

/** A sweep is overdue when it has not succeeded within this many of its intervals. */
export const OVERDUE_AFTER_INTERVALS = 3;

export interface JobRunRecord {
  /** Epoch milliseconds of the last success seen by any process, or undefined when none is known. */
  lastSuccessAtMs: number | undefined;
  /** Failures of this job in this process since it started. */
  failures: number;
}

/**
 * What each background job last achieved, for /metrics and /readyz. A tick runs in whichever
 * process's worker takes it, so successes are also written to one Redis hash: a process that
 * happened not to run a job lately must not call it overdue. After a Redis wipe the hash is
 * gone too; then this process's own memory and its start time are what is left to go on.
 */
export class JobHealth {
  private readonly startedAtMs: number;
  private readonly localSuccessAtMs = new Map<string, number>();
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly intervalsMs: Readonly<Record<string, number>>,
    private readonly redis: Redis,
    private readonly redisHashKey: string,
    private readonly clock: Clock,
  ) {
    this.startedAtMs = clock.now().getTime();
  }

  get jobNames(): string[] {
    return Object.keys(this.intervalsMs);
  }

  /** Runs one tick of a job, remembering its outcome; the error still reaches the caller (BullMQ). */
  async track<T>(name: string, run: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      this.failures.set(name, (this.failures.get(name) ?? 0) + 1);
      throw error;
    }
    const atMs = this.clock.now().getTime();
    this.localSuccessAtMs.set(name, atMs);
    // Losing this write only makes another process's view older; the job itself succeeded.
    await this.redis.hset(this.redisHashKey, name, String(atMs)).catch(() => undefined);
    return result;
  }

  async records(): Promise<Record<string, JobRunRecord>> {
    const shared = await this.redis.hgetall(this.redisHashKey).catch((): Record<string, string> => ({}));
    const records: Record<string, JobRunRecord> = {};
    for (const name of this.jobNames) {
      const sharedMs = Number(shared[name]);
      const known = [this.localSuccessAtMs.get(name), Number.isFinite(sharedMs) && sharedMs > 0 ? sharedMs : undefined].filter((ms): ms is number => ms !== undefined);
      records[name] = { lastSuccessAtMs: known.length > 0 ? Math.max(...known) : undefined, failures: this.failures.get(name) ?? 0 };
    }
    return records;
  }

  /**
   * The jobs with no success within OVERDUE_AFTER_INTERVALS of their interval. A job not yet
   * seen to succeed is measured from this process's start, so a fresh process is not overdue.
   */
  async overdueJobs(): Promise<string[]> {
    const nowMs = this.clock.now().getTime();
    const records = await this.records();
    return this.jobNames.filter((name) => {
      const since = Math.max(records[name].lastSuccessAtMs ?? 0, this.startedAtMs);
      return nowMs - since > OVERDUE_AFTER_INTERVALS * this.intervalsMs[name];
    });
  }
}
