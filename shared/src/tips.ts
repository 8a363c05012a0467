import { z } from 'zod';
import { AmountMbSchema } from './schemas';
import { safeText } from './text';

/** Tips (打赏, SPEC §3.4): data straight to the owner of something a user liked. */

export const TIP_MESSAGE_MAX_CHARS = 60;
/** Bound on a leaderboard: the top tippers, not everyone. */
export const TIP_LEADERBOARD_MAX = 50;

export const TIP_TARGET_TYPES = ['red_packet', 'crowdfund', 'user'] as const;
export const TipTargetTypeSchema = z.enum(TIP_TARGET_TYPES);
/**
 * What is tipped: a red packet (its sender gets the tip) or a crowdfund (its creator) by their
 * opaque id, or a user by the user id the API shows in grab lists, pledges and creators.
 */
export const TipTargetSchema = z.strictObject({
  type: TipTargetTypeSchema,
  id: z.string().min(1).max(32),
});
export const TipRequestSchema = z.strictObject({
  target: TipTargetSchema,
  amountMb: AmountMbSchema,
  message: safeText(TIP_MESSAGE_MAX_CHARS).optional(),
});
export const TipSchema = z.object({ id: z.string(), toUserId: z.string(), amountMb: z.number().int() });

export const TipLeaderboardQuerySchema = z.strictObject({ type: TipTargetTypeSchema, id: z.string().min(1).max(32) });
/** Ranked by total, then by who tipped first. */
export const TipLeaderboardSchema = z.object({
  items: z.array(z.object({ userId: z.string(), nickname: z.string(), totalMb: z.number().int(), count: z.number().int() })),
});

export type TipTargetType = z.infer<typeof TipTargetTypeSchema>;
export type TipTarget = z.infer<typeof TipTargetSchema>;
export type TipRequest = z.infer<typeof TipRequestSchema>;
export type Tip = z.infer<typeof TipSchema>;
export type TipLeaderboard = z.infer<typeof TipLeaderboardSchema>;
