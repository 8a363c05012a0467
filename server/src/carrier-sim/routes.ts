import { z } from 'zod';
import { FaultSettings, MAX_LATENCY_MS, NO_FAULTS } from './faults';
import { Answer, errorAnswer } from './http-io';
import { SIM_PHONE_PATTERN } from './plans';
import { CarrierWorld, SimStoreFullError } from './world';

/** The simulator's endpoints as functions of a parsed body; sim.ts does the HTTP around them. */

/** Largest single deduction the carrier accepts; far above any plan, far below 2^53. */
const MAX_DEDUCT_MB = 1_000_000_000;
const MAX_REQUEST_ID_LENGTH = 128;
const MAX_TEXT_LENGTH = 4_000;
const MAX_SUBJECT_LENGTH = 200;

const Phone = z.string().regex(SIM_PHONE_PATTERN, 'a mainland mobile number: 1[3-9] and 9 digits');
const RequestId = z.string().min(1).max(MAX_REQUEST_ID_LENGTH);
const PlanAmountMb = z.number().int().nonnegative().max(MAX_DEDUCT_MB);
const Rate = z.number().min(0).max(1);

const PlanQueryBody = z.object({ phone: Phone });
const DeductBody = z.object({ requestId: RequestId, phone: Phone, amountMb: z.number().int().positive().max(MAX_DEDUCT_MB) });
const DeductionQueryBody = z.object({ requestId: RequestId });
const SmsBody = z.object({ to: Phone, text: z.string().min(1).max(MAX_TEXT_LENGTH) });
const EmailBody = z.object({
  to: z.email(),
  subject: z.string().max(MAX_SUBJECT_LENGTH),
  text: z.string().min(1).max(MAX_TEXT_LENGTH),
});
const FaultsBody = z.object({
  errorRate: Rate.optional(),
  refusalRate: Rate.optional(),
  latencyMs: z.number().int().min(0).max(MAX_LATENCY_MS).optional(),
  timeoutRate: Rate.optional(),
  lostAnswerRate: Rate.optional(),
  seed: z.number().int().optional(),
});
const SetPlanBody = z
  .object({ phone: Phone, totalMb: PlanAmountMb, usedMb: PlanAmountMb })
  .refine((plan) => plan.usedMb <= plan.totalMb, { message: 'usedMb must not exceed totalMb', path: ['usedMb'] });

type Route = (world: CarrierWorld, body: unknown) => Answer;

function validated<S extends z.ZodType>(schema: S, body: unknown, run: (input: z.infer<S>) => Answer): Answer {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return errorAnswer(400, 'VALIDATION_FAILED', z.prettifyError(parsed.error));
  try {
    return run(parsed.data);
  } catch (error) {
    if (error instanceof SimStoreFullError) return errorAnswer(503, 'STORE_FULL', error.message);
    throw error;
  }
}

/** Who plays an endpoint; each party holds its own secret, as two real companies would. */
export type SimParty = 'carrier' | 'messageProvider';

export interface BusinessRoute {
  party: SimParty;
  answer: Route;
}

/** Signed endpoints: the carrier's and the message provider's, subject to faults. */
export const BUSINESS_ROUTES: Readonly<Record<string, BusinessRoute>> = {
  '/plans/query': {
    party: 'carrier',
    answer: (world, body) => validated(PlanQueryBody, body, ({ phone }) => ({ status: 200, body: world.queryPlan(phone) })),
  },

  '/plans/deduct': {
    party: 'carrier',
    answer: (world, body) =>
      validated(DeductBody, body, ({ requestId, phone, amountMb }) => {
        const record = world.deduct(requestId, phone, amountMb);
        return record.status === 'succeeded'
          ? { status: 200, body: { requestId, status: 'succeeded', amountMb: record.amountMb, remainingMb: record.remainingMb } }
          : { status: 422, body: { requestId, status: 'failed', code: record.code } };
      }),
  },

  '/plans/deductions/query': {
    party: 'carrier',
    answer: (world, body) =>
      validated(DeductionQueryBody, body, ({ requestId }) => {
        const record = world.findDeduction(requestId);
        if (!record) return { status: 200, body: { requestId, status: 'not_found' } };
        return { status: 200, body: { requestId, status: record.status, amountMb: record.amountMb } };
      }),
  },

  '/sms/send': {
    party: 'messageProvider',
    answer: (world, body) =>
      validated(SmsBody, body, ({ to, text }) => {
        const { messageId } = world.recordMessage({ channel: 'sms', to, text });
        return { status: 200, body: { messageId } };
      }),
  },

  '/email/send': {
    party: 'messageProvider',
    answer: (world, body) =>
      validated(EmailBody, body, ({ to, subject, text }) => {
        const { messageId } = world.recordMessage({ channel: 'email', to, subject, text });
        return { status: 200, body: { messageId } };
      }),
  },
};

/** Unsigned POST endpoints for tests and demos; never subject to faults. */
export function adminPostRoute(
  path: string,
  world: CarrierWorld,
  setFaults: (faults: FaultSettings) => void,
): ((body: unknown) => Answer) | undefined {
  switch (path) {
    case '/admin/faults':
      return (body) =>
        validated(FaultsBody, body, (input) => {
          // Each call states the whole fault set: what it leaves out is switched off.
          const faults: FaultSettings = { ...NO_FAULTS, ...input };
          setFaults(faults);
          return { status: 200, body: { faults } };
        });
    case '/admin/reset':
      return () => {
        world.reset();
        setFaults(NO_FAULTS);
        return { status: 200, body: { reset: true } };
      };
    case '/admin/plans':
      return (body) =>
        validated(SetPlanBody, body, ({ phone, totalMb, usedMb }) => ({ status: 200, body: world.setPlan(phone, totalMb, usedMb) }));
    default:
      return undefined;
  }
}

export function adminGetRoute(path: string, query: URLSearchParams, world: CarrierWorld): Answer | undefined {
  switch (path) {
    case '/admin/deductions': {
      const items = world.listDeductions(query.get('phone') ?? undefined).map(({ requestId, phone, amountMb, status, at }) => ({
        requestId,
        phone,
        amountMb,
        status,
        at,
      }));
      return { status: 200, body: { items } };
    }
    case '/admin/messages':
      return { status: 200, body: { items: world.listMessages(query.get('to') ?? undefined) } };
    default:
      return undefined;
  }
}
