import { z } from 'zod';
import { AmountMbSchema, CarrierSchema, PhoneSchema, UserSchema } from './schemas';
import { safeText } from './text';
import { TEMPLATE_VARIABLE_NAMES } from './message-templates';

/** The variables a message template may name (SPEC §3.9); the parser lives in message-templates.ts. */
export const TEMPLATE_VARIABLES = TEMPLATE_VARIABLE_NAMES;

/**
 * Sponsors, their activities, and the roles that act on them (SPEC §3.9, §3.10, §4 second
 * wave). One source of truth for the server's validation, the OpenAPI document and the faces.
 */

export const OPERATOR_ROLES = ['admin', 'finance', 'support'] as const;
export const OperatorRoleSchema = z.enum(OPERATOR_ROLES);
export const SPONSOR_ROLES = ['owner', 'staff'] as const;
export const SponsorRoleSchema = z.enum(SPONSOR_ROLES);

export const SPONSOR_NAME_MAX_CHARS = 60;
export const ACTIVITY_TITLE_MAX_CHARS = 60;
export const TEMPLATE_MAX_CHARS = 300;
export const TOPUP_REFERENCE_MAX_CHARS = 64;
export const SPONSOR_CONTACTS_MAX = 10;
export const TARGET_PROVINCES_MAX = 40;
export const HELPERS_NEEDED_MAX = 100;

const IsoInstantSchema = z.iso.datetime({ offset: true });

/** `GET /me`: the user with the roles they act in, so a face shows the pages that fit. */
export const RolesSchema = z.object({
  operator: OperatorRoleSchema.nullable(),
  sponsors: z.array(z.object({ sponsorId: z.string(), name: z.string(), role: SponsorRoleSchema })),
});
export const MeSchema = UserSchema.extend({ roles: RolesSchema });

export const OperatorGrantRequestSchema = z.strictObject({ phone: PhoneSchema, role: OperatorRoleSchema });
export const OperatorGrantSchema = z.object({ phone: PhoneSchema, role: OperatorRoleSchema });

export const SponsorCreateRequestSchema = z.strictObject({ name: safeText(SPONSOR_NAME_MAX_CHARS).min(1), ownerPhone: PhoneSchema });
export const SponsorContactSchema = z
  .strictObject({ phone: PhoneSchema.optional(), email: z.email().max(254).optional() })
  .refine((c) => c.phone !== undefined || c.email !== undefined, 'a contact has a phone, an e-mail, or both');
export const SponsorMemberSchema = z.object({ phone: PhoneSchema, role: SponsorRoleSchema });
export const SponsorSchema = z.object({
  id: z.string(),
  name: z.string(),
  budgetMb: z.number().int(),
  warnMb: z.number().int(),
  alertMb: z.number().int(),
  contacts: z.array(z.object({ phone: PhoneSchema.optional(), email: z.string().optional() })),
  members: z.array(SponsorMemberSchema),
  createdAt: z.string(),
});
export const MySponsorSchema = SponsorSchema.extend({ role: SponsorRoleSchema });
/**
 * `GET /ops/sponsors`: one line per sponsor for operators. `fundLevel` says where the available
 * budget stands against the sponsor's levels: `warn` at or below warnMb, `alert` at or below alertMb.
 */
export const OpsSponsorSchema = z.object({
  id: z.string(),
  name: z.string(),
  budgetMb: z.number().int(),
  warnMb: z.number().int(),
  alertMb: z.number().int(),
  fundLevel: z.enum(['ok', 'warn', 'alert']),
  createdAt: z.string(),
});
export const MySponsorsSchema = z.object({ items: z.array(MySponsorSchema) });
export const SponsorUpdateRequestSchema = z
  .strictObject({
    warnMb: z.number().int().min(0).max(1_000_000_000).optional(),
    alertMb: z.number().int().min(0).max(1_000_000_000).optional(),
    contacts: z.array(SponsorContactSchema).max(SPONSOR_CONTACTS_MAX).optional(),
  })
  .refine((u) => u.warnMb === undefined || u.alertMb === undefined || u.warnMb > u.alertMb, 'warnMb must be above alertMb');
export const SponsorMemberAddRequestSchema = z.strictObject({ phone: PhoneSchema, role: SponsorRoleSchema });

export const TopupRequestSchema = z.strictObject({
  amountMb: AmountMbSchema,
  reference: z
    .string()
    .trim()
    .min(1)
    .max(TOPUP_REFERENCE_MAX_CHARS)
    .regex(/^[\w.:/-]+$/, 'letters, digits and . _ : / -'),
});
export const TopupSchema = z.object({
  id: z.string(),
  sponsorId: z.string(),
  amountMb: z.number().int(),
  reference: z.string(),
  expiresAt: z.string(),
  budgetMb: z.number().int(),
});

export const ACTIVITY_TYPES = ['signin', 'invite', 'share', 'red_packet_rain'] as const;
export const ActivityTypeSchema = z.enum(ACTIVITY_TYPES);
export const ACTIVITY_STATUSES = ['draft', 'published', 'running', 'paused', 'ended'] as const;
export const ActivityStatusSchema = z.enum(ACTIVITY_STATUSES);

const TemplateSchema = safeText(TEMPLATE_MAX_CHARS).min(1);
export const ReminderTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM');
export const ActivityRewardSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('fixed'), amountMb: AmountMbSchema }),
  z.strictObject({ mode: z.literal('random'), minMb: AmountMbSchema, maxMb: AmountMbSchema }),
]);
export const ActivityTargetingSchema = z.strictObject({
  provinces: z.array(z.string().trim().min(1).max(32)).max(TARGET_PROVINCES_MAX).optional(),
  carriers: z.array(CarrierSchema).max(3).optional(),
  newUsersOnly: z.boolean().optional(),
});
export const ActivityTemplatesSchema = z.strictObject({ rewarded: TemplateSchema, reminder: TemplateSchema.optional(), ended: TemplateSchema.optional() });
/** Bounds on a 红包雨: its drops, the rooms each drop reaches, and one packet (as SPEC §3.3). */
export const RAIN_TIMES_MAX = 48;
export const RAIN_ROOMS_MAX = 20;
export const RAIN_PACKET_COUNT_MAX = 200;
export const RAIN_PACKET_TOTAL_MAX_MB = 102_400;
/**
 * A 红包雨: at each time, one 拼手气 packet of `count` shares and `totalMb` drops onto the
 * activity's page and one more into each room. `totalMb` is per packet.
 */
export const ActivityRainSchema = z
  .strictObject({
    times: z.array(IsoInstantSchema).min(1).max(RAIN_TIMES_MAX),
    roomIds: z.array(z.string().trim().min(1).max(128)).max(RAIN_ROOMS_MAX).optional(),
    count: z.number().int().min(1).max(RAIN_PACKET_COUNT_MAX),
    totalMb: z.number().int().min(1).max(RAIN_PACKET_TOTAL_MAX_MB),
  })
  .refine((r) => r.totalMb >= r.count, { message: 'totalMb must be at least count: every share is at least 1 MB', path: ['totalMb'] })
  .refine((r) => new Set(r.times.map((t) => Date.parse(t))).size === r.times.length, { message: 'times must be distinct', path: ['times'] })
  .refine((r) => new Set(r.roomIds ?? []).size === (r.roomIds ?? []).length, { message: 'roomIds must be distinct', path: ['roomIds'] });
/** What one drop of a rain costs and what the whole rain costs: a packet for the page and one per room, at every time. */
export const rainDropMb = (rain: { roomIds?: readonly string[]; totalMb: number }) => rain.totalMb * (1 + (rain.roomIds?.length ?? 0));
export const rainTotalMb = (rain: { times: readonly string[]; roomIds?: readonly string[]; totalMb: number }) => rain.times.length * rainDropMb(rain);

export const ActivityCreateRequestSchema = z
  .strictObject({
    type: ActivityTypeSchema,
    title: safeText(ACTIVITY_TITLE_MAX_CHARS).min(1),
    startsAt: IsoInstantSchema,
    endsAt: IsoInstantSchema,
    budgetMb: AmountMbSchema,
    perUserCapMb: AmountMbSchema,
    reward: ActivityRewardSchema,
    targeting: ActivityTargetingSchema.optional(),
    templates: ActivityTemplatesSchema,
    helpersNeeded: z.number().int().min(1).max(HELPERS_NEEDED_MAX).optional(),
    reminderAt: ReminderTimeSchema.optional(),
    rain: ActivityRainSchema.optional(),
  })
  .refine((a) => a.reminderAt === undefined || a.type === 'signin', { message: 'reminders are for signin activities', path: ['reminderAt'] })
  .refine((a) => Date.parse(a.endsAt) > Date.parse(a.startsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] })
  .refine((a) => a.reward.mode === 'fixed' || a.reward.minMb <= a.reward.maxMb, { message: 'minMb must not exceed maxMb', path: ['reward'] })
  .refine((a) => (a.reward.mode === 'fixed' ? a.reward.amountMb : a.reward.maxMb) <= a.perUserCapMb, { message: 'one reward must fit within perUserCapMb', path: ['perUserCapMb'] })
  .refine((a) => (a.reward.mode === 'fixed' ? a.reward.amountMb : a.reward.maxMb) <= a.budgetMb, { message: 'one reward must fit within budgetMb', path: ['budgetMb'] })
  .refine((a) => (a.type === 'share') === (a.helpersNeeded !== undefined), { message: 'helpersNeeded is given for share activities and only for them', path: ['helpersNeeded'] })
  .refine((a) => (a.type === 'red_packet_rain') === (a.rain !== undefined), { message: 'rain is given for red_packet_rain activities and only for them', path: ['rain'] })
  .refine((a) => !a.rain || a.rain.times.every((t) => Date.parse(t) >= Date.parse(a.startsAt) && Date.parse(t) < Date.parse(a.endsAt)), {
    message: 'every rain time must fall inside the window (startsAt ≤ time < endsAt)',
    path: ['rain', 'times'],
  })
  .refine((a) => !a.rain || rainTotalMb(a.rain) <= a.budgetMb, { message: 'the rain (times × totalMb × (1 + rooms)) must fit within budgetMb', path: ['rain'] });

/**
 * `PATCH /sponsors/:sid/activities/:aid`: every field but the templates and the reminder time
 * changes a draft only (money and rules are fixed once the budget is in escrow); templates and
 * the reminder may change while the activity runs, since they move no data.
 */
export const ActivityUpdateRequestSchema = z
  .strictObject({
    title: safeText(ACTIVITY_TITLE_MAX_CHARS).min(1).optional(),
    startsAt: IsoInstantSchema.optional(),
    endsAt: IsoInstantSchema.optional(),
    budgetMb: AmountMbSchema.optional(),
    perUserCapMb: AmountMbSchema.optional(),
    reward: ActivityRewardSchema.optional(),
    targeting: ActivityTargetingSchema.optional(),
    templates: z.strictObject({ rewarded: TemplateSchema.optional(), reminder: TemplateSchema.nullable().optional(), ended: TemplateSchema.nullable().optional() }).optional(),
    /** `HH:MM` Asia/Shanghai: when a signin activity reminds those who have not checked in today; null stops it. */
    reminderAt: ReminderTimeSchema.nullable().optional(),
    helpersNeeded: z.number().int().min(1).max(HELPERS_NEEDED_MAX).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'name at least one field to change');

export const ActivityProgressSchema = z.object({
  rewardedMb: z.number().int(),
  rewards: z.number().int(),
  checkedInToday: z.boolean(),
  streak: z.number().int(),
});
/** A rain packet still open on the activity's page; `grabbed`: the caller holds a share of it. */
export const RainPacketSchema = z.object({
  id: z.string(),
  count: z.number().int(),
  totalMb: z.number().int(),
  remainingCount: z.number().int(),
  expiresAt: z.string(),
  grabbed: z.boolean(),
});
export const RainDropStatusSchema = z.enum(['scheduled', 'dropped', 'skipped']);
/** A rain as its activity shows it: the schedule, each drop's fate, and the page's open packets. `roomIds` only to the sponsor. */
export const ActivityRainViewSchema = z.object({
  times: z.array(z.string()),
  roomIds: z.array(z.string()),
  count: z.number().int(),
  totalMb: z.number().int(),
  drops: z.array(z.object({ at: z.string(), status: RainDropStatusSchema })),
  openPackets: z.array(RainPacketSchema),
});
export const ActivitySchema = z.object({
  id: z.string(),
  sponsorId: z.string(),
  sponsorName: z.string(),
  type: ActivityTypeSchema,
  title: z.string(),
  status: ActivityStatusSchema,
  startsAt: z.string(),
  endsAt: z.string(),
  budgetMb: z.number().int(),
  paidMb: z.number().int(),
  remainingMb: z.number().int(),
  perUserCapMb: z.number().int(),
  reward: z.union([z.object({ mode: z.literal('fixed'), amountMb: z.number().int() }), z.object({ mode: z.literal('random'), minMb: z.number().int(), maxMb: z.number().int() })]),
  targeting: z.object({ provinces: z.array(z.string()), carriers: z.array(CarrierSchema), newUsersOnly: z.boolean() }),
  templates: z.object({ rewarded: z.string(), reminder: z.string().nullable(), ended: z.string().nullable() }),
  helpersNeeded: z.number().int().nullable(),
  /** `HH:MM` Asia/Shanghai when a signin activity reminds; null: no reminders. */
  reminderAt: z.string().nullable(),
  rain: ActivityRainViewSchema.nullable(),
  /** The caller's own progress: present on the user's views, absent on the sponsor's. */
  progress: ActivityProgressSchema.optional(),
});
export const CheckinResultSchema = z.object({ amountMb: z.number().int(), streak: z.number().int() });
export const InviteCodeSchema = z.object({ code: z.string() });
/** `link`: the page a friend opens to help, relative to the app's address. */
export const ShareSchema = z.object({ code: z.string(), link: z.string() });
export const HelpResultSchema = z.object({ helpers: z.number().int(), helpersNeeded: z.number().int() });

export const ActivityReportQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).optional() });
/** One reward of an activity, as its report lists them (`GET …/:aid/rewards`, newest first; the CSV has the same columns). */
export const ActivityRewardLineSchema = z.object({
  id: z.string(),
  at: z.string(),
  nickname: z.string(),
  /** Masked: a sponsor sees who, not their number. */
  phone: z.string(),
  amountMb: z.number().int(),
  reason: z.enum(['checkin', 'invite', 'share']),
  day: z.string().nullable(),
  streak: z.number().int().nullable(),
});
export const ActivityReportSchema = z.object({
  budgetMb: z.number().int(),
  spentMb: z.number().int(),
  /** budgetMb − spentMb: what the escrow still holds plus what went back to the budget at the end. */
  remainingMb: z.number().int(),
  escrowMb: z.number().int(),
  returnedMb: z.number().int(),
  participants: z.number().int(),
  rewards: z.number().int(),
  messages: z.object({ sent: z.number().int(), delivered: z.number().int(), failed: z.number().int(), optedOut: z.number().int() }),
  byDay: z.array(z.object({ date: z.string(), spentMb: z.number().int(), participants: z.number().int() })),
});

export type OperatorRole = z.infer<typeof OperatorRoleSchema>;
export type SponsorRole = z.infer<typeof SponsorRoleSchema>;
export type Roles = z.infer<typeof RolesSchema>;
export type Me = z.infer<typeof MeSchema>;
export type Sponsor = z.infer<typeof SponsorSchema>;
export type MySponsor = z.infer<typeof MySponsorSchema>;
export type OpsSponsor = z.infer<typeof OpsSponsorSchema>;
export type SponsorUpdateRequest = z.infer<typeof SponsorUpdateRequestSchema>;
export type Topup = z.infer<typeof TopupSchema>;
export type ActivityCreateRequest = z.infer<typeof ActivityCreateRequestSchema>;
export type ActivityUpdateRequest = z.infer<typeof ActivityUpdateRequestSchema>;
export type Activity = z.infer<typeof ActivitySchema>;
export type ActivityStatus = z.infer<typeof ActivityStatusSchema>;
export type CheckinResult = z.infer<typeof CheckinResultSchema>;
export type InviteCode = z.infer<typeof InviteCodeSchema>;
export type Share = z.infer<typeof ShareSchema>;
export type HelpResult = z.infer<typeof HelpResultSchema>;
export type ActivityReport = z.infer<typeof ActivityReportSchema>;
export type ActivityRewardLine = z.infer<typeof ActivityRewardLineSchema>;
export type ActivityRain = z.infer<typeof ActivityRainSchema>;
export type ActivityRainView = z.infer<typeof ActivityRainViewSchema>;
export type RainPacket = z.infer<typeof RainPacketSchema>;
