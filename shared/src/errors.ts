import { z } from 'zod';

/** Stable error codes of the API (SPEC §4). Clients switch on these, never on messages. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  /** The path exists, not with this method (the Allow header lists those it has). */
  'METHOD_NOT_ALLOWED',
  'IDEMPOTENCY_KEY_MISSING',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_FLIGHT',
  'INSUFFICIENT_BALANCE',
  'LIMIT_EXCEEDED',
  'RATE_LIMITED',
  'CODE_INVALID',
  'CODE_EXPIRED',
  'CODE_TOO_MANY_TRIES',
  'SELF_GIFT',
  'PLAN_INSUFFICIENT',
  'CARRIER_UNAVAILABLE',
  'SOLD_OUT',
  'ALREADY_GRABBED',
  'EXPIRED',
  'WRONG_PASSPHRASE',
  'NOT_IN_ROOM',
  'CONTACT_NOT_BOUND',
  /** 409: the crowdfund no longer takes pledges or a cancel (succeeded, failed, cancelled, or past its deadline). */
  'CLOSED',
  /** 422: a tip to oneself (one's own packet, crowdfund or user id). */
  'SELF_TIP',
  /** A message template names a variable that is not one of SPEC §3.9's. */
  'UNKNOWN_TEMPLATE_VARIABLE',
  /** A template's `{` or `}` that opens or closes nothing (`{{` and `}}` are literal braces); `details.position`. */
  'UNBALANCED_TEMPLATE_BRACE',
  /** A template whose longest SMS passes the segment budget; `details`: position, lengthChars, maxChars. */
  'TEMPLATE_TOO_LONG',
  /** A signed webhook (the SMS provider's) whose signature does not match, or is missing. */
  'BAD_SIGNATURE',
  /** A signed webhook whose timestamp is outside the replay window. */
  'STALE_REQUEST',
  /** A signed webhook already received once (its nonce was used). */
  'REPLAYED_REQUEST',
  /** The sponsor's budget cannot fund what was asked (an activity's publish). */
  'INSUFFICIENT_BUDGET',
  /** The activity's escrow cannot pay this reward whole; nothing was paid. */
  'BUDGET_EXHAUSTED',
  'ALREADY_CHECKED_IN',
  /** The activity's window has not opened yet. */
  'NOT_STARTED',
  /** The activity is over (its window closed, or it was ended). */
  'ACTIVITY_ENDED',
  'ACTIVITY_PAUSED',
  /** The activity's targeting leaves the caller out. */
  'NOT_ELIGIBLE',
  /** A life-cycle step the activity's status does not allow (publishing twice, resuming a running one). */
  'WRONG_STATE',
  /** A top-up reference already recorded for this sponsor with another amount. */
  'REFERENCE_REUSED',
  /** Removing or demoting a sponsor's only owner. */
  'LAST_OWNER',
  /** 503: a hot resource (a red packet) is briefly held by other work; nothing was done; try again. */
  'BUSY',
  /** 503 with Retry-After: the database or Redis is down and nothing was done; try again. */
  'UNAVAILABLE',
  'INTERNAL',
  /** A draw beyond what is left of the member's monthly quota in a share group (`details`: quotaMb, drawnThisMonthMb, remainingMb). */
  'QUOTA_EXCEEDED',
  /** A draw or reclaim larger than what a share group's pool holds (`details`: poolMb). */
  'INSUFFICIENT_POOL',
  /** The number already belongs to a share group (this one or another): one family group per person. */
  'ALREADY_IN_GROUP',
  /** The owner cannot be removed from their own share group; closing the group releases everyone. */
  'OWNER_CANNOT_LEAVE',
  /** The share group was closed by its owner. */
  'GROUP_CLOSED',
  /** 409: a name already taken (a supplier's). */
  'NAME_TAKEN',
  /** No coupon has this code (a wrong or mistyped code); counts against the wrong-code limit. */
  'COUPON_NOT_FOUND',
  /** The coupon was redeemed already (by whoever held the code first). */
  'ALREADY_REDEEMED',
  /** The coupon's batch is not valid yet (`details.validFrom`). */
  'NOT_YET_VALID',
  /** 410: what was shown once is gone for good (a batch's codes after their one download). */
  'GONE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The one mapping from an error code to its HTTP status (SPEC §4). The service's error
 * middleware renders with it and clients may read it; the domain throws codes, never statuses.
 * A code means one thing, so it has one status: a second status is a second code.
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  IDEMPOTENCY_KEY_MISSING: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  WRONG_PASSPHRASE: 403,
  NOT_IN_ROOM: 403,
  CONTACT_NOT_BOUND: 403,
  NOT_ELIGIBLE: 403,
  UNKNOWN_TEMPLATE_VARIABLE: 400,
  UNBALANCED_TEMPLATE_BRACE: 400,
  TEMPLATE_TOO_LONG: 400,
  BAD_SIGNATURE: 401,
  STALE_REQUEST: 401,
  REPLAYED_REQUEST: 401,
  BUDGET_EXHAUSTED: 409,
  ALREADY_CHECKED_IN: 409,
  NOT_STARTED: 409,
  ACTIVITY_ENDED: 409,
  ACTIVITY_PAUSED: 409,
  WRONG_STATE: 409,
  REFERENCE_REUSED: 409,
  LAST_OWNER: 409,
  INSUFFICIENT_BUDGET: 422,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  IDEMPOTENCY_IN_FLIGHT: 409,
  SOLD_OUT: 409,
  ALREADY_GRABBED: 409,
  EXPIRED: 409,
  CLOSED: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  INSUFFICIENT_BALANCE: 422,
  LIMIT_EXCEEDED: 422,
  CODE_INVALID: 422,
  CODE_EXPIRED: 422,
  SELF_GIFT: 422,
  SELF_TIP: 422,
  PLAN_INSUFFICIENT: 422,
  RATE_LIMITED: 429,
  CODE_TOO_MANY_TRIES: 429,
  INTERNAL: 500,
  BUSY: 503,
  UNAVAILABLE: 503,
  CARRIER_UNAVAILABLE: 503,
  QUOTA_EXCEEDED: 422,
  INSUFFICIENT_POOL: 422,
  ALREADY_IN_GROUP: 409,
  OWNER_CANNOT_LEAVE: 409,
  GROUP_CLOSED: 409,
  NAME_TAKEN: 409,
  COUPON_NOT_FOUND: 404,
  ALREADY_REDEEMED: 409,
  NOT_YET_VALID: 409,
  GONE: 410,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/**
 * Which configured limit a LIMIT_EXCEEDED broke: sent as `details.rule`, with the limit itself,
 * so each client words the refusal in its own language instead of parsing the message.
 */
export const LIMIT_RULES = [
  /** A gift smaller than the configured minimum (`limit`: the least MB). */
  'gift.min',
  /** A gift larger than the configured maximum (`limit`: the most MB). */
  'gift.max',
  /** More gifts than allowed in a Shanghai calendar day, week or month (`limit`: a count). */
  'gift.daily',
  'gift.weekly',
  'gift.monthly',
  /** A deposit smaller than the minimum (`limit`: the least MB). */
  'deposit.min',
  /** Past the monthly banking cap (`limit`: the cap in MB; `remainingMb`: what is left this month). */
  'deposit.monthly',
  /** A red packet holding more than the maximum total (`limit`: MB). */
  'red-packet.total',
  /** A chat room's member list longer than the bound (`limit`: members). */
  'room.members',
  /** A tip below the minimum or above the maximum (`limit`: MB). */
  'tip.min',
  'tip.max',
  /** A crowdfund goal below the minimum or above the maximum (`limit`: MB). */
  'crowdfund.goal.min',
  'crowdfund.goal.max',
  /** A crowdfund deadline too soon or too far (`limit`: seconds from now). */
  'crowdfund.duration.min',
  'crowdfund.duration.max',
  /** A share group with more members than allowed, its owner included (`limit`: members). */
  'share-group.members',
  /** A reward that would take a user past the activity's per-user cap (`limit`: the cap in MB). */
  'activity.per-user-cap',
  /** One supplier more than routing and reconciliation read (`limit`: suppliers). */
  'supplier.count',
] as const;

export type LimitRuleName = (typeof LIMIT_RULES)[number];

export interface LimitDetails {
  rule: LimitRuleName;
  limit: number;
  remainingMb?: number;
}

/**
 * Reads `details` of a LIMIT_EXCEEDED leniently: a rule this build does not know (a newer
 * service) still parses, and the client falls back to a general sentence for it.
 */
export const LimitDetailsSchema = z.object({
  rule: z.string(),
  limit: z.number(),
  remainingMb: z.number().optional(),
});

/** The limit details of an error body, or null when it carries none (or an older shape). */
export function limitDetailsOf(details: unknown): { rule: string; limit: number; remainingMb?: number } | null {
  const parsed = LimitDetailsSchema.safeParse(details);
  return parsed.success ? parsed.data : null;
}
