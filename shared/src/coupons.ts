import { z } from 'zod';
import { AmountMbSchema } from './schemas';
import { safeText } from './text';
import { COUPON_INPUT_MAX_CHARS } from './coupon-code';

/** Coupon batches and redemption (SPEC §3.8, §4 second wave). */

export const COUPON_TITLE_MAX_CHARS = 60;
/** Codes in one batch: one CSV a sponsor can open in a spreadsheet, and one bounded issue. */
export const COUPON_BATCH_MAX_CODES = 10_000;
/** What one code may be worth (100 GB). */
export const COUPON_MAX_AMOUNT_MB = 102_400;
/** The longest a batch may stay redeemable. */
export const COUPON_MAX_VALID_DAYS = 366;

const IsoInstantSchema = z.iso.datetime({ offset: true });

export const CouponBatchCreateRequestSchema = z
  .strictObject({
    title: safeText(COUPON_TITLE_MAX_CHARS).min(1),
    amountMb: AmountMbSchema.max(COUPON_MAX_AMOUNT_MB),
    count: z.number().int().min(1).max(COUPON_BATCH_MAX_CODES),
    validFrom: IsoInstantSchema,
    validUntil: IsoInstantSchema,
  })
  .refine((b) => Date.parse(b.validUntil) > Date.parse(b.validFrom), { message: 'validUntil must be after validFrom', path: ['validUntil'] })
  .refine((b) => Date.parse(b.validUntil) - Date.parse(b.validFrom) <= COUPON_MAX_VALID_DAYS * 86_400_000, {
    message: `a batch is valid for at most ${COUPON_MAX_VALID_DAYS} days`,
    path: ['validUntil'],
  });

export const COUPON_BATCH_STATUSES = ['active', 'settled'] as const;

/** A batch as its sponsor sees it; `codesDownloaded` says the one CSV has been taken. */
export const CouponBatchSchema = z.object({
  id: z.string(),
  sponsorId: z.string(),
  title: z.string(),
  amountMb: z.number().int(),
  count: z.number().int(),
  totalMb: z.number().int(),
  validFrom: z.string(),
  validUntil: z.string(),
  /** `active` until validUntil has passed and what was not redeemed went back to the budget. */
  status: z.enum(COUPON_BATCH_STATUSES),
  redeemedCount: z.number().int(),
  redeemedMb: z.number().int(),
  returnedMb: z.number().int(),
  codesDownloaded: z.boolean(),
  codesDownloadedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const CouponRedeemRequestSchema = z.strictObject({
  code: z.string().max(COUPON_INPUT_MAX_CHARS),
});
export const CouponRedeemResultSchema = z.object({
  amountMb: z.number().int(),
  title: z.string(),
  sponsor: z.string(),
});

export type CouponBatchCreateRequest = z.infer<typeof CouponBatchCreateRequestSchema>;
export type CouponBatch = z.infer<typeof CouponBatchSchema>;
export type CouponRedeemResult = z.infer<typeof CouponRedeemResultSchema>;
