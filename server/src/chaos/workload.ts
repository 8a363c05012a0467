import type { SeededUser } from '../test-support/users';
import { sendWithRetries, type LogicalRequest, type Outcome, type Targets } from './client';

/**
 * The bounded load of one chaos phase, ~100 logical requests a second: gifts between seeded
 * users, plan-data deposits, and red packets created and then grabbed in storms. Every logical
 * request carries a key that also marks its effect in the database (a gift's message, a
 * packet's greeting, a deposit's unique amount), so the verifier can find each effect and count
 * it: once, never, or twice.
 */

export type OpKind = 'gift' | 'deposit' | 'packet' | 'grab';

export interface OpRecord {
  kind: OpKind;
  key: string;
  user: SeededUser;
  amountMb: number;
  /** The packet grabbed (grabs only). */
  packetId: string | null;
  outcome: Outcome | null;
}

export interface WorkloadShape {
  giftsPerSecond: number;
  depositsPerSecond: number;
  /** One packet a second, then a storm of grabs on it from distinct users. */
  packetsPerSecond: number;
  packetShares: number;
  grabsPerStorm: number;
}

export const DEFAULT_SHAPE: WorkloadShape = { giftsPerSecond: 35, depositsPerSecond: 18, packetsPerSecond: 1, packetShares: 30, grabsPerStorm: 45 };

const TICK_MS = 100;
/** Bound on logical requests in flight: past it the load skips a beat rather than pile up. */
const MAX_IN_FLIGHT = 600;
const GIFT_MB = 10;
const PACKET_SHARE_MB = 20;

/** Deposits across a whole run get distinct amounts, so (phone, amount) names one logical deposit at the carrier. */
export class DepositAmounts {
  constructor(private next = 10) {}
  take(): number {
    return this.next++;
  }
}

export class Workload {
  readonly ops: OpRecord[] = [];
  skipped = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private counter = 0;
  private opIndex = 0;
  private stormWaiters: Array<() => void> = [];
  private carry = { gift: 0, deposit: 0, packet: 0 };

  constructor(
    private readonly targets: Targets,
    private readonly users: readonly SeededUser[],
    private readonly tag: string,
    private readonly amounts: DepositAmounts,
    private readonly shape: WorkloadShape = DEFAULT_SHAPE,
  ) {}

  start(): void {
    this.running = true;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops starting new requests; resolves when every one started has its final answer. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Resolves when the next storm of grabs is launched. */
  nextStorm(): Promise<void> {
    return new Promise((resolve) => this.stormWaiters.push(resolve));
  }

  private tick(): void {
    if (!this.running) return;
    const perTick = (perSecond: number) => (perSecond * TICK_MS) / 1000;
    this.carry.gift += perTick(this.shape.giftsPerSecond);
    this.carry.deposit += perTick(this.shape.depositsPerSecond);
    this.carry.packet += perTick(this.shape.packetsPerSecond);
    for (; this.carry.gift >= 1; this.carry.gift--) this.launch(this.gift());
    for (; this.carry.deposit >= 1; this.carry.deposit--) this.launch(this.deposit());
    for (; this.carry.packet >= 1; this.carry.packet--) this.launch(this.packet());
  }

  private pick(): SeededUser {
    return this.users[Math.floor(Math.random() * this.users.length)];
  }

  private key(kind: string): string {
    return `${this.tag}-${kind}-${this.counter++}`;
  }

  private launch(op: { record: OpRecord; request: LogicalRequest; then?: (record: OpRecord) => void }): void {
    if (!this.running) return;
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      this.skipped++;
      return;
    }
    this.ops.push(op.record);
    const first = this.opIndex++;
    const done = sendWithRetries(this.targets, first, op.request).then((outcome) => {
      op.record.outcome = outcome;
      op.then?.(op.record);
    });
    const tracked = done.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private gift() {
    const user = this.pick();
    let to = this.pick();
    while (to.userId === user.userId) to = this.pick();
    const key = this.key('g');
    const record: OpRecord = { kind: 'gift', key, user, amountMb: GIFT_MB, packetId: null, outcome: null };
    return { record, request: { method: 'POST' as const, path: '/api/v1/gifts', token: user.token, key, body: { toPhone: to.phone, amountMb: GIFT_MB, message: key } } };
  }

  private deposit() {
    const user = this.pick();
    const amountMb = this.amounts.take();
    const key = this.key('d');
    const record: OpRecord = { kind: 'deposit', key, user, amountMb, packetId: null, outcome: null };
    return { record, request: { method: 'POST' as const, path: '/api/v1/storage/deposits', token: user.token, key, body: { amountMb } } };
  }

  private packet() {
    const user = this.pick();
    const key = this.key('p');
    const totalMb = this.shape.packetShares * PACKET_SHARE_MB;
    const record: OpRecord = { kind: 'packet', key, user, amountMb: totalMb, packetId: null, outcome: null };
    return {
      record,
      request: { method: 'POST' as const, path: '/api/v1/red-packets', token: user.token, key, body: { mode: 'random', count: this.shape.packetShares, totalMb, greeting: key } },
      then: (done: OpRecord) => {
        if (done.outcome?.acknowledged && typeof done.outcome.body?.id === 'string') this.storm(done.outcome.body.id);
      },
    };
  }

  /** Distinct users grab one packet all at once, more of them than it has shares. */
  private storm(packetId: string): void {
    if (!this.running) return;
    const start = Math.floor(Math.random() * this.users.length);
    const count = Math.min(this.shape.grabsPerStorm, this.users.length);
    for (let i = 0; i < count; i++) {
      const user = this.users[(start + i) % this.users.length];
      const key = this.key('r');
      const record: OpRecord = { kind: 'grab', key, user, amountMb: 0, packetId, outcome: null };
      this.launch({ record, request: { method: 'POST', path: `/api/v1/red-packets/${packetId}/grab`, token: user.token, key, body: {} } });
    }
    for (const wake of this.stormWaiters.splice(0)) wake();
  }
}
