import { derivePlan, shanghaiMonth, SimCarrier } from './plans';

/**
 * The simulated outside world's memory: plans in use this month, deductions by request id,
 * messages sent. No HTTP here; sim.ts maps requests onto these methods.
 */

/** Bounds on the in-memory state; a full store refuses new entries rather than forget old ones. */
export const MAX_TRACKED_PLANS = 100_000;
export const MAX_DEDUCTIONS = 100_000;
/** Messages are only for inspection, so the oldest are dropped when this many are held. */
export const MAX_MESSAGES = 10_000;
/** Most items an admin listing returns (the newest ones, in the order they happened). */
export const MAX_LISTED_ITEMS = 1_000;

export interface PlanView {
  phone: string;
  carrier: SimCarrier;
  province: string;
  month: string;
  totalMb: number;
  usedMb: number;
  remainingMb: number;
}

export interface DeductionRecord {
  requestId: string;
  phone: string;
  amountMb: number;
  status: 'succeeded' | 'failed';
  /** Why it failed; only on failed deductions. */
  code?: 'PLAN_INSUFFICIENT';
  /** The plan's remaining data right after this deduction; only on succeeded ones. */
  remainingMb?: number;
  at: string;
}

export interface MessageRecord {
  messageId: string;
  channel: 'sms' | 'email';
  to: string;
  subject?: string;
  text: string;
  at: string;
}

export class SimStoreFullError extends Error {}

interface PlanUsage {
  month: string;
  totalMb: number;
  usedMb: number;
}

export class CarrierWorld {
  private readonly plans = new Map<string, PlanUsage>();
  private readonly deductions = new Map<string, DeductionRecord>();
  private messages: MessageRecord[] = [];
  private messagesSent = 0;

  constructor(private readonly clock: () => number) {}

  reset(): void {
    this.plans.clear();
    this.deductions.clear();
    this.messages = [];
    this.messagesSent = 0;
  }

  queryPlan(phone: string): PlanView {
    const month = shanghaiMonth(this.clock());
    const usage = this.usageThisMonth(phone, month);
    const derived = derivePlan(phone, month);
    return {
      phone,
      carrier: derived.carrier,
      province: derived.province,
      month,
      totalMb: usage.totalMb,
      usedMb: usage.usedMb,
      remainingMb: usage.totalMb - usage.usedMb,
    };
  }

  setPlan(phone: string, totalMb: number, usedMb: number): PlanView {
    if (usedMb < 0 || usedMb > totalMb) throw new Error(`setPlan: usedMb ${usedMb} outside 0..${totalMb}`);
    if (!this.plans.has(phone) && this.plans.size >= MAX_TRACKED_PLANS) throw new SimStoreFullError('too many plans');
    this.plans.set(phone, { month: shanghaiMonth(this.clock()), totalMb, usedMb });
    return this.queryPlan(phone);
  }

  /** Idempotent by request id: a repeated id gets the first outcome, whatever else it carries. */
  deduct(requestId: string, phone: string, amountMb: number): DeductionRecord {
    const earlier = this.deductions.get(requestId);
    if (earlier) return earlier;
    if (this.deductions.size >= MAX_DEDUCTIONS) throw new SimStoreFullError('too many deductions');
    const usage = this.usageThisMonth(phone, shanghaiMonth(this.clock()));
    const remainingMb = usage.totalMb - usage.usedMb;
    const at = new Date(this.clock()).toISOString();
    const record: DeductionRecord =
      amountMb > remainingMb
        ? { requestId, phone, amountMb, status: 'failed', code: 'PLAN_INSUFFICIENT', at }
        : { requestId, phone, amountMb, status: 'succeeded', remainingMb: remainingMb - amountMb, at };
    if (record.status === 'succeeded') usage.usedMb += amountMb;
    if (usage.usedMb > usage.totalMb) throw new Error(`deduct: plan of ${phone} over-used, a bug in the simulator`);
    this.deductions.set(requestId, record);
    return record;
  }

  findDeduction(requestId: string): DeductionRecord | undefined {
    return this.deductions.get(requestId);
  }

  listDeductions(phone: string | undefined): DeductionRecord[] {
    const all = [...this.deductions.values()];
    return newest(phone === undefined ? all : all.filter((d) => d.phone === phone));
  }

  recordMessage(message: Omit<MessageRecord, 'messageId' | 'at'>): MessageRecord {
    this.messagesSent += 1;
    const record: MessageRecord = {
      ...message,
      messageId: `msg-${String(this.messagesSent).padStart(8, '0')}`,
      at: new Date(this.clock()).toISOString(),
    };
    this.messages.push(record);
    if (this.messages.length > MAX_MESSAGES) this.messages.shift();
    return record;
  }

  listMessages(to: string | undefined): MessageRecord[] {
    return newest(to === undefined ? this.messages : this.messages.filter((m) => m.to === to));
  }

  /** This month's usage of a number, started afresh from the derived plan when the month turns. */
  private usageThisMonth(phone: string, month: string): PlanUsage {
    const known = this.plans.get(phone);
    if (known && known.month === month) return known;
    if (!known && this.plans.size >= MAX_TRACKED_PLANS) throw new SimStoreFullError('too many plans');
    const derived = derivePlan(phone, month);
    const usage: PlanUsage = { month, totalMb: derived.totalMb, usedMb: derived.usedMb };
    this.plans.set(phone, usage);
    return usage;
  }
}

function newest<T>(items: T[]): T[] {
  return items.slice(-MAX_LISTED_ITEMS);
}
