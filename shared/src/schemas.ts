import { z } from 'zod';
import { MaskedPhoneSchema, PHONE_PATTERN } from './phone';
import { safeText } from './text';

/**
 * The API's shapes (SPEC §4), one source of truth: the server validates with them and
 * generates OpenAPI from them; the mini-program and the bot import the inferred types.
 */

/** Upper bound of any single amount in a request; far above every product limit, far below 2^53. */
export const MAX_REQUEST_AMOUNT_MB = 1_000_000_000;

export const PhoneSchema = z.string().regex(PHONE_PATTERN, 'a mainland mobile number: 1[3-9] and 9 digits');
export const AmountMbSchema = z.number().int().positive().max(MAX_REQUEST_AMOUNT_MB);
export const CarrierSchema = z.enum(['cmcc', 'unicom', 'telecom']);
export const IsoTimeSchema = z.string();

export const SmsCodeRequestSchema = z.strictObject({ phone: PhoneSchema });
export const SmsCodeResponseSchema = z.object({ sent: z.literal(true), resendAfterSeconds: z.number().int() });

/** `invite`: an activity's invite code; a first sign-up with it rewards the inviter (SPEC §3.9). */
export const LoginRequestSchema = z.strictObject({
  phone: PhoneSchema,
  code: z.string().regex(/^\d{6}$/, 'six digits'),
  invite: z
    .string()
    .regex(/^[0-9a-z]{1,32}$/, 'an invite code')
    .optional(),
});
export const UserSchema = z.object({
  id: z.string(),
  phone: PhoneSchema,
  nickname: z.string(),
  carrier: CarrierSchema,
  province: z.string(),
  /** An uploaded face, served by the API (`/api/v1/avatars/…`); null: the face generated from the nickname. */
  avatarUrl: z.string().nullable(),
  createdAt: IsoTimeSchema,
});
/**
 * `token` is a short-lived access token (`expiresInSeconds`); `refreshToken` renews it once
 * (each renewal hands out a new one) until the session is signed out or expires.
 */
export const LoginResponseSchema = z.object({ token: z.string(), refreshToken: z.string(), expiresInSeconds: z.number().int(), user: UserSchema });
export const RefreshRequestSchema = z.strictObject({ refreshToken: z.string().min(1).max(128) });
export const RefreshResponseSchema = z.object({ token: z.string(), refreshToken: z.string(), expiresInSeconds: z.number().int() });
export const SignedOutSchema = z.object({ signedOut: z.literal(true) });

export const LotSchema = z.object({ amountMb: z.number().int(), expiresAt: IsoTimeSchema });
export const WalletSchema = z.object({
  balanceMb: z.number().int(),
  lots: z.array(LotSchema),
  expiringSoonMb: z.number().int(),
});

/**
 * The accounts on the other side of a transfer that are not a person: the ledger's external
 * accounts (the world outside) and the escrows of the features that hold data for a while.
 * Closed on purpose: each face words every one of them itself, so a new one is added here first.
 */
export const CounterpartyAccountSchema = z.enum([
  'carrier_plan',
  'expired',
  'recharged',
  'recharge_overrun',
  'sponsor_budget',
  'exchanged',
  'gift',
  'red_packet',
  'crowdfund',
  'share_group',
  'cash_out',
  'sponsor_purchases',
  'activity',
  'sponsor',
  'coupon_batch',
]);
/** Who or what was on the other side of a transfer: structure, worded by the mini-program and the bot. */
export const CounterpartySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), nickname: z.string(), maskedPhone: MaskedPhoneSchema }),
  z.object({ type: z.literal('account'), account: CounterpartyAccountSchema }),
]);

export const WalletEntrySchema = z.object({
  id: z.string(),
  kind: z.string(),
  direction: z.enum(['in', 'out']),
  amountMb: z.number().int(),
  counterparty: CounterpartySchema,
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  memo: z.string().nullable(),
  at: IsoTimeSchema,
  /**
   * For data that came in: when it expires (the earliest and latest of its lots; equal when it
   * came as one). Null for data that went out, and for rows recorded before this was kept.
   */
  arrivedExpiry: z.object({ earliest: IsoTimeSchema, latest: IsoTimeSchema }).nullable(),
});

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(200).optional(),
});
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const PlanSchema = z.object({ totalMb: z.number().int(), usedMb: z.number().int(), remainingMb: z.number().int() });
export const StorageSchema = z.object({
  plan: PlanSchema,
  bankedThisMonthMb: z.number().int(),
  bankableMb: z.number().int(),
});
export const DepositRequestSchema = z.strictObject({ amountMb: AmountMbSchema });
export const DepositSchema = z.object({
  id: z.string(),
  amountMb: z.number().int(),
  status: z.enum(['pending', 'completed', 'failed']),
  expiresAt: IsoTimeSchema.nullable(),
});

export const GIFT_MESSAGE_MAX_CHARS = 60;
export const GiftRequestSchema = z.strictObject({
  toPhone: PhoneSchema,
  amountMb: AmountMbSchema,
  message: safeText(GIFT_MESSAGE_MAX_CHARS).optional(),
});
export const GiftSchema = z.object({
  id: z.string(),
  /** Masked even for its sender: through the bot they may have known only a chat name. */
  toPhone: MaskedPhoneSchema,
  amountMb: z.number().int(),
  message: z.string().nullable(),
  status: z.enum(['delivered', 'pending_claim', 'refunded']),
  claimDeadline: IsoTimeSchema.nullable(),
});

export const RED_PACKET_MAX_COUNT = 200;
export const RED_PACKET_GREETING_MAX_CHARS = 60;
/** The red_packets.passphrase column is VARCHAR(64); a passphrase is something said in a chat. */
export const RED_PACKET_PASSPHRASE_MAX_CHARS = 32;
/**
 * Trimmed and never blank: a passphrase of spaces used to be trimmed to nothing and make an
 * open packet that anyone could grab. Leave the field out for a packet without one.
 */
export const PassphraseSchema = safeText(RED_PACKET_PASSPHRASE_MAX_CHARS).min(1, 'a passphrase cannot be blank; leave it out for a packet without one');
const redPacketCommon = {
  count: z.number().int().min(1).max(RED_PACKET_MAX_COUNT),
  greeting: safeText(RED_PACKET_GREETING_MAX_CHARS).optional(),
  passphrase: PassphraseSchema.optional(),
  roomId: z.string().min(1).max(128).optional(),
};
export const RedPacketCreateSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('random'), totalMb: AmountMbSchema, ...redPacketCommon }),
  z.strictObject({ mode: z.literal('equal'), perShareMb: AmountMbSchema, ...redPacketCommon }),
]);
export const RedPacketGrabViewSchema = z.object({
  userId: z.string(),
  nickname: z.string(),
  /** The grabber's uploaded face; null: the one generated from the nickname. */
  avatarUrl: z.string().nullable(),
  amountMb: z.number().int(),
  at: IsoTimeSchema,
});
export const LuckiestSchema = z.object({ userId: z.string(), nickname: z.string(), amountMb: z.number().int() });
export const RedPacketSchema = z.object({
  id: z.string(),
  mode: z.enum(['random', 'equal']),
  status: z.enum(['open', 'finished', 'expired']),
  /** Null for a packet a sponsor's activity paid for (红包雨): `senderNickname` is then the sponsor's name. */
  senderId: z.string().nullable(),
  senderNickname: z.string(),
  greeting: z.string().nullable(),
  hasPassphrase: z.boolean(),
  /**
   * The passphrase itself, to whoever may see the packet (a link holder signed in, a room's
   * members): in a room the sender's own command shows it to everyone, so the web shows it too
   * (issue 16: the same on both faces). Never on the public cover.
   */
  passphrase: z.string().nullable().optional(),
  roomId: z.string().nullable(),
  count: z.number().int(),
  totalMb: z.number().int(),
  remainingCount: z.number().int(),
  remainingMb: z.number().int(),
  expiresAt: IsoTimeSchema,
  grabs: z.array(RedPacketGrabViewSchema),
  luckiest: LuckiestSchema.nullable(),
});
export const GrabRequestSchema = z.strictObject({ passphrase: PassphraseSchema.optional() });
export const GrabResultSchema = z.object({ amountMb: z.number().int(), rank: z.number().int() });

export const OutboxItemSchema = z.object({
  id: z.string(),
  channel: z.enum(['sms', 'wechat', 'email']),
  to: z.string(),
  text: z.string(),
  status: z.enum(['pending', 'sent', 'failed', 'cancelled']),
  createdAt: IsoTimeSchema,
});

export type SmsCodeRequest = z.infer<typeof SmsCodeRequestSchema>;
export type LoginRequest = z.infer<typeof LoginRequestSchema>;
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
export type RefreshResponse = z.infer<typeof RefreshResponseSchema>;
export type User = z.infer<typeof UserSchema>;
export type Wallet = z.infer<typeof WalletSchema>;
export type CounterpartyAccount = z.infer<typeof CounterpartyAccountSchema>;
export type Counterparty = z.infer<typeof CounterpartySchema>;
export type WalletEntry = z.infer<typeof WalletEntrySchema>;
export type Page<T> = { items: T[]; nextCursor: string | null };
export type Storage = z.infer<typeof StorageSchema>;
export type DepositRequest = z.infer<typeof DepositRequestSchema>;
export type Deposit = z.infer<typeof DepositSchema>;
export type GiftRequest = z.infer<typeof GiftRequestSchema>;
export type Gift = z.infer<typeof GiftSchema>;
export type RedPacketCreate = z.infer<typeof RedPacketCreateSchema>;
export type RedPacket = z.infer<typeof RedPacketSchema>;
export type GrabRequest = z.infer<typeof GrabRequestSchema>;
export type GrabResult = z.infer<typeof GrabResultSchema>;
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

// ─── Bot ───────────────────────────────────────────────────────────────────────────────────
// The endpoints only the chat bot calls (`Authorization: Bot <token>`): binding chat contacts
// to users, room member lists, grabbing in a room, and delivering the `wechat` outbox channel.

/** The id columns of bot_bindings and room_members are VARCHAR(128). */
export const CHAT_ID_MAX_CHARS = 128;
/** Bound on one room's member list; a WeChat group holds at most 500, so this is generous. */
export const ROOM_MEMBERS_MAX = 5000;
/** Bound on one outbox claim. */
export const BOT_OUTBOX_CLAIM_MAX = 100;
/** What the bot may report of a failed delivery; the service keeps the first 255 characters. */
export const BOT_OUTBOX_ERROR_MAX_CHARS = 500;

export const ChatIdSchema = z.string().min(1).max(CHAT_ID_MAX_CHARS).regex(/^\S+$/, 'no spaces');

export const BotBindingRequestSchema = z.strictObject({
  contactId: ChatIdSchema,
  phone: PhoneSchema,
  code: z.string().regex(/^\d{6}$/, 'six digits'),
});
export const BotBindingSchema = z.object({
  contactId: z.string(),
  userId: z.string(),
  phone: PhoneSchema,
  nickname: z.string(),
});

export const RoomMembersReplaceSchema = z.strictObject({ contactIds: z.array(ChatIdSchema).max(ROOM_MEMBERS_MAX) });
export const RoomMemberAddSchema = z.strictObject({ contactId: ChatIdSchema });
export const RoomMembersSchema = z.object({ roomId: z.string(), memberCount: z.number().int() });

export const RoomGrabRequestSchema = z.strictObject({
  /** Absent: the newest open packet without a passphrase. Present: the newest open packet with exactly this one (trimmed). */
  passphrase: PassphraseSchema.optional(),
});
export const RoomGrabResultSchema = z.object({ packetId: z.string(), amountMb: z.number().int(), rank: z.number().int() });

export const BotOutboxClaimRequestSchema = z.strictObject({ limit: z.number().int().min(1).max(BOT_OUTBOX_CLAIM_MAX) });
/** A message for one contact (`contactId`), or one to post into a chat room (`roomId`): exactly one of the two. */
export const BotContactMessageSchema = z.object({ id: z.string(), contactId: z.string(), text: z.string() });
export const BotRoomMessageSchema = z.object({ id: z.string(), roomId: z.string(), text: z.string() });
export const BotOutboxItemSchema = z.union([BotContactMessageSchema, BotRoomMessageSchema]);
export const BotOutboxClaimSchema = z.object({ items: z.array(BotOutboxItemSchema) });
export const BotOutboxResultRequestSchema = z.strictObject({
  status: z.enum(['sent', 'failed']),
  error: z.string().max(BOT_OUTBOX_ERROR_MAX_CHARS).optional(),
  /** With `failed`: false when sending again cannot help (the contact is gone), so the message fails now. Absent: true. */
  retryable: z.boolean().optional(),
});
/** The message after the report: `pending` means it will be offered again after a backoff. */
export const BotOutboxResultSchema = z.object({ id: z.string(), status: z.enum(['pending', 'sent', 'failed']), attempts: z.number().int() });

export type BotBindingRequest = z.infer<typeof BotBindingRequestSchema>;
export type BotBinding = z.infer<typeof BotBindingSchema>;
export type RoomMembersReplace = z.infer<typeof RoomMembersReplaceSchema>;
export type RoomMembers = z.infer<typeof RoomMembersSchema>;
export type RoomGrabRequest = z.infer<typeof RoomGrabRequestSchema>;
export type RoomGrabResult = z.infer<typeof RoomGrabResultSchema>;
export type BotOutboxItem = z.infer<typeof BotOutboxItemSchema>;
export type BotOutboxClaim = z.infer<typeof BotOutboxClaimSchema>;
export type BotOutboxResultRequest = z.infer<typeof BotOutboxResultRequestSchema>;
export type BotOutboxResult = z.infer<typeof BotOutboxResultSchema>;

/**
 * The limits the service is configured with (`GET /limits`), for a client to check a form at
 * once and word a hint; the service still has the last word on every request.
 */
export const LimitsSchema = z.object({
  deposit: z.object({ minMb: z.number().int(), monthlyCapMb: z.number().int() }),
  gift: z.object({
    minMb: z.number().int(),
    maxMb: z.number().int(),
    perDay: z.number().int(),
    perWeek: z.number().int(),
    perMonth: z.number().int(),
    messageMaxChars: z.number().int(),
    claimHours: z.number().int(),
  }),
  redPacket: z.object({
    maxTotalMb: z.number().int(),
    minCount: z.number().int(),
    maxCount: z.number().int(),
    /** Every share of a random packet is at least this much. */
    minShareMb: z.number().int(),
    greetingMaxChars: z.number().int(),
    passphraseMaxChars: z.number().int(),
    validSeconds: z.number().int(),
  }),
  smsCode: z.object({ resendSeconds: z.number().int() }),
  tip: z.object({ minMb: z.number().int(), maxMb: z.number().int(), messageMaxChars: z.number().int() }),
  crowdfund: z.object({
    minGoalMb: z.number().int(),
    maxGoalMb: z.number().int(),
    minSeconds: z.number().int(),
    maxSeconds: z.number().int(),
    titleMaxChars: z.number().int(),
  }),
  shareGroup: z.object({ maxMembers: z.number().int(), nameMaxChars: z.number().int() }),
  /** Activity SMS: characters a segment carries and the segments a template may need at most. */
  activitySms: z.object({ segmentChars: z.number().int(), maxSegments: z.number().int() }),
});
export type Limits = z.infer<typeof LimitsSchema>;
/** The query of `GET /limits`: none; anything else is a mistake worth telling. */
export const LimitsQuerySchema = z.strictObject({});
