import { z } from 'zod';
import { MaskedPhoneSchema } from './phone';
import { AmountMbSchema, IsoTimeSchema, PhoneSchema } from './schemas';
import { safeText } from './text';

/**
 * Share groups (共享, SPEC §3.6): a family pool that an owner funds and members draw from,
 * each up to a monthly quota per Asia/Shanghai calendar month.
 */

/** The share_groups.name column is VARCHAR(64); a family's name is short. */
export const SHARE_GROUP_NAME_MAX_CHARS = 20;

export const ShareGroupCreateSchema = z.strictObject({
  name: safeText(SHARE_GROUP_NAME_MAX_CHARS).min(1, 'a group needs a name'),
  monthlyQuotaMb: AmountMbSchema,
});
export const ShareGroupMemberAddSchema = z.strictObject({ phone: PhoneSchema });
/** Fund, reclaim and draw all carry one amount. */
export const ShareGroupAmountSchema = z.strictObject({ amountMb: AmountMbSchema });

export const ShareGroupMemberSchema = z.object({
  /** Names the membership, also of a number that has not signed in yet: what removing a pending member takes. */
  memberId: z.string(),
  /** Null while the number has not signed in (pending). */
  userId: z.string().nullable(),
  phone: MaskedPhoneSchema,
  /** Null while pending: a number that never signed in has no nickname. */
  nickname: z.string().nullable(),
  isOwner: z.boolean(),
  status: z.enum(['joined', 'pending']),
  /** Drawn from this group in the current Asia/Shanghai calendar month. */
  drawnThisMonthMb: z.number().int(),
});

export const ShareGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  ownerId: z.string(),
  /** What members can draw now: the pool's data that has not expired. */
  poolMb: z.number().int(),
  monthlyQuotaMb: z.number().int(),
  /** `closed`: the owner closed the group, its pool went back to the owner and its members were released. */
  status: z.enum(['active', 'closed']),
  /** The Asia/Shanghai calendar month (`YYYY-MM`) the `drawnThisMonthMb` figures count. */
  month: z.string(),
  maxMembers: z.number().int(),
  members: z.array(ShareGroupMemberSchema),
  createdAt: IsoTimeSchema,
});

export type ShareGroupCreate = z.infer<typeof ShareGroupCreateSchema>;
export type ShareGroupMemberAdd = z.infer<typeof ShareGroupMemberAddSchema>;
export type ShareGroupAmount = z.infer<typeof ShareGroupAmountSchema>;
export type ShareGroupMember = z.infer<typeof ShareGroupMemberSchema>;
export type ShareGroup = z.infer<typeof ShareGroupSchema>;
