import { shanghaiDayKey } from '@liuliang/shared';
import { z } from 'zod';
import { newNonce, signedRequestHeaders } from '../carrier/signing';
import { seededRandom } from '../platform/random';

/**
 * The recharge suppliers the simulator plays (SPEC §3.7), each with its own secret, its own
 * behaviour and its own records: what it really did, which is what reconciliation compares
 * with and what tests count successes from. No HTTP here besides the callbacks it sends.
 */

/** How a supplier treats each recharge request. */
const SUPPLIER_BEHAVIOURS = [
  /** 202, then a success callback. */
  'ok',
  /** A definite refusal (422), nothing done, nothing recorded. */
  'refuse',
  /** 202, then a failure callback. */
  'fail_later',
  /** Takes the request, does nothing, never answers it and never calls back; a query says failed. */
  'never_answer',
  /** 202 and does it, but never calls back: only a query tells. */
  'answer_only_to_query',
  /** 202, does it, and calls back success twice. */
  'callback_twice',
  /** 202, does it, but its query says failed; after that query it calls back success. */
  'late_callback_after_query_failure',
  /** Does it, but its answer never comes in time and it never calls back; a query says succeeded. */
  'success_after_timeout',
  /** Each request draws one of the above (seeded). */
  'random',
] as const;
export type SupplierBehaviour = (typeof SUPPLIER_BEHAVIOURS)[number];
type DrawnBehaviour = Exclude<SupplierBehaviour, 'random'>;

export const SimSupplierConfigSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,32}$/),
  secret: z.string().min(1).max(256),
  behaviour: z.enum(SUPPLIER_BEHAVIOURS).default('ok'),
  /** Delay before a callback (and before the late one after a lying query). */
  callbackDelayMs: z.number().int().min(0).max(60_000).default(50),
  seed: z.number().int().default(1),
});
export type SimSupplierConfig = z.infer<typeof SimSupplierConfigSchema>;

export interface RechargeRecord {
  attemptId: string;
  phone: string;
  sizeMb: number;
  /** What the supplier really did. */
  status: 'processing' | 'succeeded' | 'failed';
  supplierRef: string;
  day: string;
  receivedAt: string;
  behaviour: DrawnBehaviour;
  callbacksSent: number;
}

/** Bound on one supplier's records; a full store refuses new requests. */
const MAX_RECHARGE_RECORDS = 100_000;
const CALLBACK_TRIES = 5;
const CALLBACK_RETRY_MS = 300;
const CALLBACK_TIMEOUT_MS = 2_000;

export type RechargeAnswer = { kind: 'accepted'; record: RechargeRecord } | { kind: 'refused' } | { kind: 'hold' } | { kind: 'full' };

export class SimSupplier {
  private readonly records = new Map<string, RechargeRecord>();
  private readonly callbackUrls = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly lateCallbacks = new Set<string>();
  private random: () => number;
  private refs = 0;

  constructor(
    public config: SimSupplierConfig,
    private readonly clock: () => number,
  ) {
    this.random = seededRandom(config.seed);
  }

  reconfigure(config: SimSupplierConfig): void {
    this.config = config;
    this.random = seededRandom(config.seed);
  }

  /** `POST /recharges`: the same attempt id twice is the first request again (a supplier dedupes by id). */
  recharge(request: { attemptId: string; phone: string; sizeMb: number; callbackUrl: string }): RechargeAnswer {
    const known = this.records.get(request.attemptId);
    if (known) return known.behaviour === 'never_answer' || known.behaviour === 'success_after_timeout' ? { kind: 'hold' } : { kind: 'accepted', record: known };
    const behaviour = this.draw();
    if (behaviour === 'refuse') return { kind: 'refused' };
    if (this.records.size >= MAX_RECHARGE_RECORDS) return { kind: 'full' };
    const record: RechargeRecord = {
      attemptId: request.attemptId,
      phone: request.phone,
      sizeMb: request.sizeMb,
      status: behaviour === 'never_answer' ? 'failed' : behaviour === 'ok' || behaviour === 'fail_later' || behaviour === 'callback_twice' ? 'processing' : 'succeeded',
      supplierRef: `${this.config.name}-${++this.refs}`,
      day: shanghaiDayKey(new Date(this.clock())),
      receivedAt: new Date(this.clock()).toISOString(),
      behaviour,
      callbacksSent: 0,
    };
    this.records.set(record.attemptId, record);
    this.callbackUrls.set(record.attemptId, request.callbackUrl);
    if (behaviour === 'ok' || behaviour === 'callback_twice') this.later(() => this.finish(record, 'succeeded', behaviour === 'callback_twice' ? 2 : 1));
    if (behaviour === 'fail_later') this.later(() => this.finish(record, 'failed', 1));
    if (behaviour === 'never_answer' || behaviour === 'success_after_timeout') return { kind: 'hold' };
    return { kind: 'accepted', record };
  }

  /** `GET /recharges/:attemptId`: what the supplier says, which for one behaviour is a lie. */
  query(attemptId: string): { status: 'processing' | 'succeeded' | 'failed' | 'not_found'; supplierRef?: string } {
    const record = this.records.get(attemptId);
    if (!record) return { status: 'not_found' };
    if (record.behaviour === 'late_callback_after_query_failure' && record.callbacksSent === 0) {
      if (!this.lateCallbacks.has(attemptId)) {
        this.lateCallbacks.add(attemptId);
        this.later(() => void this.callBack(record, 'succeeded'));
      }
      return { status: 'failed', supplierRef: record.supplierRef };
    }
    return { status: record.status, supplierRef: record.supplierRef };
  }

  /** `GET /records?date=`: what it did that day (received that Shanghai day). */
  recordsOf(day: string): RechargeRecord[] {
    return [...this.records.values()].filter((r) => r.day === day);
  }

  allRecords(): RechargeRecord[] {
    return [...this.records.values()];
  }

  /** Tests inject reconciliation mismatches: change, add or drop a record. */
  tamper(change: { op: 'delete'; attemptId: string } | { op: 'set'; attemptId: string; status?: 'succeeded' | 'failed'; sizeMb?: number; phone?: string }): boolean {
    if (change.op === 'delete') return this.records.delete(change.attemptId);
    const record = this.records.get(change.attemptId);
    if (record) {
      if (change.status) record.status = change.status;
      if (change.sizeMb !== undefined) record.sizeMb = change.sizeMb;
      return true;
    }
    const at = new Date(this.clock());
    this.records.set(change.attemptId, {
      attemptId: change.attemptId,
      phone: change.phone ?? '13800000000',
      sizeMb: change.sizeMb ?? 100,
      status: change.status ?? 'succeeded',
      supplierRef: `${this.config.name}-${++this.refs}`,
      day: shanghaiDayKey(at),
      receivedAt: at.toISOString(),
      behaviour: 'ok',
      callbacksSent: 0,
    });
    return true;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private draw(): DrawnBehaviour {
    if (this.config.behaviour !== 'random') return this.config.behaviour;
    const choices = SUPPLIER_BEHAVIOURS.filter((b): b is DrawnBehaviour => b !== 'random');
    return choices[Math.floor(this.random() * choices.length)];
  }

  private later(run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, this.config.callbackDelayMs);
    this.timers.add(timer);
  }

  private async finish(record: RechargeRecord, status: 'succeeded' | 'failed', times: number): Promise<void> {
    record.status = status;
    for (let i = 0; i < times; i++) await this.callBack(record, status);
  }

  /** A signed callback, retried a few times while our service is away; a query finds the outcome if all fail. */
  private async callBack(record: RechargeRecord, status: 'succeeded' | 'failed'): Promise<void> {
    record.callbacksSent++;
    const url = this.callbackUrls.get(record.attemptId);
    if (!url) return;
    const rawBody = JSON.stringify({ attemptId: record.attemptId, status, supplierRef: record.supplierRef });
    const target = new URL(url);
    for (let tries = 0; tries < CALLBACK_TRIES; tries++) {
      try {
        const headers = signedRequestHeaders(this.config.secret, {
          method: 'POST',
          pathWithQuery: `${target.pathname}${target.search}`,
          timestampMs: this.clock(),
          nonce: newNonce(),
          rawBody,
        });
        const response = await fetch(target, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS) });
        if (response.status < 500) return;
      } catch {
        // The service is away: try again shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, CALLBACK_RETRY_MS));
    }
  }
}
