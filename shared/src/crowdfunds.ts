import { z } from 'zod';
import { AmountMbSchema, IsoTimeSchema, pageOf } from './schemas';
import { safeText } from './text';

/** Crowdfunding (众筹, SPEC §3.5): all-or-nothing, pledges wait in the crowdfund's escrow. */

/** A title is a few words said in a chat ("换新手机"); the column is VARCHAR(255). */
export const CROWDFUND_TITLE_MAX_CHARS = 40;

export const CROWDFUND_STATUSES = ['open', 'succeeded', 'failed', 'cancelled'] as const;
export const CrowdfundStatusSchema = z.enum(CROWDFUND_STATUSES);

export const CrowdfundCreateSchema = z.strictObject({
  title: safeText(CROWDFUND_TITLE_MAX_CHARS).min(1, 'a crowdfund needs a title'),
  goalMb: AmountMbSchema,
  /** ISO-8601 with an offset (`Z` or `+08:00`); 1 h … 30 days from now (GET /limits). */
  deadline: z.iso.datetime({ offset: true }),
});

export const CrowdfundPledgeViewSchema = z.object({
  userId: z.string(),
  nickname: z.string(),
  amountMb: z.number().int(),
  at: IsoTimeSchema,
});

export const CrowdfundSchema = z.object({
  id: z.string(),
  title: z.string(),
  creator: z.object({ userId: z.string(), nickname: z.string() }),
  goalMb: z.number().int(),
  raisedMb: z.number().int(),
  status: CrowdfundStatusSchema,
  deadline: IsoTimeSchema,
  createdAt: IsoTimeSchema,
  /** When it succeeded, failed or was cancelled; null while open. */
  closedAt: IsoTimeSchema.nullable(),
  /** Oldest first; one row per pledge (a person may pledge more than once). */
  pledges: z.array(CrowdfundPledgeViewSchema),
});

export const PledgeRequestSchema = z.strictObject({ amountMb: AmountMbSchema });
/** `amountMb` is what was taken: at most what was still missing, which may be less than asked. */
export const PledgeSchema = z.object({
  id: z.string(),
  crowdfundId: z.string(),
  requestedMb: z.number().int(),
  amountMb: z.number().int(),
  raisedMb: z.number().int(),
  status: CrowdfundStatusSchema,
});

/** `GET /crowdfunds?mine=created|pledged`: the caller's crowdfunds, newest first. */
export const CrowdfundListQuerySchema = z.strictObject({
  mine: z.enum(['created', 'pledged']).default('created'),
  limit: z.coerce.number().int().min(1).max(50).optional(),
  cursor: z.string().max(200).optional(),
});
/** A crowdfund in a list: the whole object without its pledges. */
export const CrowdfundSummarySchema = CrowdfundSchema.omit({ pledges: true });
export const CrowdfundPageSchema = pageOf(CrowdfundSummarySchema);

export type CrowdfundStatus = z.infer<typeof CrowdfundStatusSchema>;
export type CrowdfundCreate = z.infer<typeof CrowdfundCreateSchema>;
export type Crowdfund = z.infer<typeof CrowdfundSchema>;
export type CrowdfundSummary = z.infer<typeof CrowdfundSummarySchema>;
export type PledgeRequest = z.infer<typeof PledgeRequestSchema>;
export type Pledge = z.infer<typeof PledgeSchema>;
export type CrowdfundListQuery = z.infer<typeof CrowdfundListQuerySchema>;
