import { CarrierSchema, PhoneSchema } from '@liuliang/shared';
import { z } from 'zod';
import { postSigned, SignedEndpoint } from './signed-http';

/**
 * Our client of the carrier's gateway: read a number's plan, deduct plan data for a deposit
 * (SPEC §3.1) and find out afterwards what became of a deduction whose answer was lost.
 * Everything the carrier says is validated before anyone acts on it.
 */

const MbCount = z.number().int().nonnegative();
const MAX_REJECTION_CODE_LENGTH = 64;

const PlanAnswer = z
  .object({
    phone: PhoneSchema,
    carrier: CarrierSchema,
    province: z.string().min(1).max(64),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    totalMb: MbCount,
    usedMb: MbCount,
    remainingMb: MbCount,
  })
  .refine((plan) => plan.usedMb + plan.remainingMb === plan.totalMb, 'used and remaining must add up to the total');

const RejectionCode = z.string().min(1).max(MAX_REJECTION_CODE_LENGTH);
const ErrorAnswer = z.object({ error: z.object({ code: RejectionCode }) });

export type CarrierPlan = z.infer<typeof PlanAnswer>;

export interface DeductRequest {
  /** Ours, unique per deposit: the carrier deducts at most once per request id. */
  requestId: string;
  phone: string;
  amountMb: number;
}

export type DeductResult =
  | { outcome: 'succeeded'; remainingMb: number }
  /** The carrier certainly did not deduct. */
  | { outcome: 'rejected'; code: 'PLAN_INSUFFICIENT' | string }
  /** It may or may not have deducted: keep the deposit pending and ask with queryDeduction. */
  | { outcome: 'unknown'; reason: string };

export interface DeductionStatus {
  status: 'succeeded' | 'failed' | 'not_found';
  amountMb?: number;
}

export interface CarrierGateway {
  queryPlan(phone: string): Promise<CarrierPlan>;
  deduct(request: DeductRequest): Promise<DeductResult>;
  queryDeduction(requestId: string): Promise<DeductionStatus>;
}

/** The carrier did not give a usable answer; nothing can be concluded from the attempt. */
export class CarrierUnavailableError extends Error {
  readonly code = 'CARRIER_UNAVAILABLE';
  constructor(readonly reason: string) {
    super(`carrier unavailable: ${reason}`);
    this.name = 'CarrierUnavailableError';
  }
}

export function createCarrierGateway(options: {
  baseUrl: string;
  secret: string;
  timeoutMs: number;
  clock?: () => number;
}): CarrierGateway {
  if (!(options.timeoutMs > 0)) throw new Error(`createCarrierGateway: timeoutMs must be positive, got ${options.timeoutMs}`);
  const endpoint: SignedEndpoint = { ...options, clock: options.clock ?? Date.now };

  return {
    async queryPlan(phone) {
      const answer = await postSigned(endpoint, '/plans/query', { phone });
      if (answer.kind !== 'answered') throw new CarrierUnavailableError(answer.reason);
      if (answer.status !== 200) throw new CarrierUnavailableError(`plan query answered ${answer.status}`);
      const plan = PlanAnswer.safeParse(answer.body);
      if (!plan.success || plan.data.phone !== phone) throw new CarrierUnavailableError('plan query answer is malformed');
      return plan.data;
    },

    async deduct(request) {
      assertDeductRequest(request);
      const answer = await postSigned(endpoint, '/plans/deduct', request);
      // An answer we cannot verify may be forged either way: a forged "ok" must not credit, and a
      // forged refusal must not fail a deposit the carrier may have deducted. Ask again later.
      if (answer.kind !== 'answered') return { outcome: 'unknown', reason: answer.reason };
      return readDeductAnswer(request, answer.status, answer.body);
    },

    async queryDeduction(requestId) {
      const answer = await postSigned(endpoint, '/plans/deductions/query', { requestId });
      if (answer.kind !== 'answered') throw new CarrierUnavailableError(answer.reason);
      if (answer.status !== 200) throw new CarrierUnavailableError(`deduction query answered ${answer.status}`);
      const lookup = z
        .discriminatedUnion('status', [
          z.object({ requestId: z.literal(requestId), status: z.enum(['succeeded', 'failed']), amountMb: MbCount }),
          z.object({ requestId: z.literal(requestId), status: z.literal('not_found') }),
        ])
        .safeParse(answer.body);
      if (!lookup.success) throw new CarrierUnavailableError('deduction query answer is malformed');
      return lookup.data.status === 'not_found'
        ? { status: 'not_found' }
        : { status: lookup.data.status, amountMb: lookup.data.amountMb };
    },
  };
}

function readDeductAnswer(request: DeductRequest, status: number, body: unknown): DeductResult {
  if (status === 200) {
    const done = z
      .object({ requestId: z.literal(request.requestId), status: z.literal('succeeded'), amountMb: MbCount, remainingMb: MbCount })
      .safeParse(body);
    if (!done.success) return { outcome: 'unknown', reason: 'deduct answer is malformed' };
    // The carrier answers a repeated request id with its first outcome; a different amount means
    // the id was reused, and crediting what we asked for would create data from nothing.
    if (done.data.amountMb !== request.amountMb) {
      return { outcome: 'unknown', reason: `carrier deducted ${done.data.amountMb} MB for this request id, not ${request.amountMb}` };
    }
    return { outcome: 'succeeded', remainingMb: done.data.remainingMb };
  }
  if (status === 422) {
    const failed = z
      .object({ requestId: z.literal(request.requestId), status: z.literal('failed'), code: RejectionCode })
      .safeParse(body);
    if (failed.success) return { outcome: 'rejected', code: failed.data.code };
  }
  // A 4xx is the carrier refusing the request before doing anything (signature, validation), so
  // nothing was deducted. 408 is the exception: a timeout says nothing about what was done.
  if (status >= 400 && status < 500 && status !== 408) {
    const error = ErrorAnswer.safeParse(body);
    return { outcome: 'rejected', code: error.success ? error.data.error.code : `HTTP_${status}` };
  }
  return { outcome: 'unknown', reason: `carrier answered ${status}` };
}

function assertDeductRequest({ requestId, phone, amountMb }: DeductRequest): void {
  if (requestId.length === 0 || requestId.length > 128) throw new Error(`deduct: request id must be 1..128 chars`);
  if (!PhoneSchema.safeParse(phone).success) throw new Error(`deduct: not a mainland mobile number: ${phone}`);
  if (!Number.isSafeInteger(amountMb) || amountMb <= 0) throw new Error(`deduct: amountMb must be a positive integer, got ${amountMb}`);
}
