import { z } from 'zod';
import { sendSigned, type SignedEndpoint } from '../../carrier/signed-http';

/**
 * Our side of the supplier protocol (SPEC §3.7): ask for a recharge, ask what became of one, and
 * read a day's records. Every answer is verified as the supplier's before anything is read into
 * it; an answer we cannot trust is as good as none, so it can only make an outcome unknown.
 */

export type SendOutcome = { kind: 'accepted' } | { kind: 'refused'; code: string } | { kind: 'unknown'; reason: string };
export type QueryOutcome = { kind: 'succeeded' | 'failed' | 'processing' | 'not_found'; supplierRef: string | null } | { kind: 'unavailable'; reason: string };

const ErrorAnswer = z.object({ error: z.object({ code: z.string().max(64) }) });
const QueryAnswer = z.object({
  attemptId: z.string(),
  status: z.enum(['processing', 'succeeded', 'failed', 'not_found']),
  supplierRef: z.string().max(128).optional(),
});
const RecordsAnswer = z.object({
  date: z.string(),
  items: z
    .array(
      z.object({
        attemptId: z.string().max(64),
        sizeMb: z.number().int().nonnegative(),
        status: z.enum(['processing', 'succeeded', 'failed']),
        supplierRef: z.string().max(128).optional(),
      }),
    )
    .max(100_000),
});
export type SupplierRecord = z.infer<typeof RecordsAnswer>['items'][number];

export interface SupplierEndpoint {
  endpoint: string;
  secret: string;
}

export class SupplierClient {
  constructor(
    private readonly timeoutMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async recharge(supplier: SupplierEndpoint, request: { attemptId: string; phone: string; sizeMb: number; callbackUrl: string }): Promise<SendOutcome> {
    const answer = await sendSigned(this.endpoint(supplier), 'POST', '/recharges', request);
    if (answer.kind !== 'answered') return { kind: 'unknown', reason: answer.reason };
    if (answer.status === 202 || answer.status === 200) return { kind: 'accepted' };
    // A signed 4xx is the supplier refusing before doing anything; 408 and 5xx say nothing certain.
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 408) {
      const error = ErrorAnswer.safeParse(answer.body);
      return { kind: 'refused', code: error.success ? error.data.error.code : `HTTP_${answer.status}` };
    }
    return { kind: 'unknown', reason: `supplier answered ${answer.status}` };
  }

  async query(supplier: SupplierEndpoint, attemptId: string): Promise<QueryOutcome> {
    const answer = await sendSigned(this.endpoint(supplier), 'GET', `/recharges/${encodeURIComponent(attemptId)}`);
    if (answer.kind !== 'answered') return { kind: 'unavailable', reason: answer.reason };
    if (answer.status !== 200) return { kind: 'unavailable', reason: `query answered ${answer.status}` };
    const parsed = QueryAnswer.safeParse(answer.body);
    if (!parsed.success || parsed.data.attemptId !== attemptId) return { kind: 'unavailable', reason: 'query answer is malformed' };
    return { kind: parsed.data.status, supplierRef: parsed.data.supplierRef ?? null };
  }

  /** The supplier's records of a day, or null when they cannot be read (and trusted). */
  async records(supplier: SupplierEndpoint, day: string): Promise<SupplierRecord[] | null> {
    const answer = await sendSigned(this.endpoint(supplier), 'GET', `/records?date=${day}`);
    if (answer.kind !== 'answered' || answer.status !== 200) return null;
    const parsed = RecordsAnswer.safeParse(answer.body);
    return parsed.success && parsed.data.date === day ? parsed.data.items : null;
  }

  private endpoint(supplier: SupplierEndpoint): SignedEndpoint {
    return { baseUrl: supplier.endpoint, secret: supplier.secret, timeoutMs: this.timeoutMs, clock: this.clock };
  }
}
