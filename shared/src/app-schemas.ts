import { z } from 'zod';
import { MaskedPhoneSchema } from './phone';
import { PhoneSchema, RedPacketSchema } from './schemas';
import { safeText } from './text';

/**
 * The shapes behind the app's own screens (issue 16): a profile name, the recipient shown on a
 * gift's confirm sheet, a packet's public cover, and the 红包记录 lists.
 */

export const NICKNAME_MAX_CHARS = 20;
/** A name others read in grab lists, histories and chats: trimmed, never blank, no control or invisible characters. */
export const NicknameSchema = safeText(NICKNAME_MAX_CHARS).min(1, 'a nickname cannot be blank');
export const ProfileUpdateSchema = z.strictObject({ nickname: NicknameSchema });

/** The largest face a person may upload (issue 16): a phone's avatar crop is a few tens of KB. */
export const AVATAR_MAX_BYTES = 512 * 1024;
/** The image types a face may be, told by their first bytes, never by what the client says. */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
/**
 * `PUT /me/avatar`: the image as base64 in JSON (the API takes JSON only; weapp reads the
 * chosen file as base64, H5 a FileReader). The length bound is AVATAR_MAX_BYTES once decoded.
 */
export const AvatarUploadSchema = z.strictObject({
  image: z
    .string()
    .min(4, 'the image is empty')
    .max(Math.ceil(AVATAR_MAX_BYTES / 3) * 4, `the image is larger than ${AVATAR_MAX_BYTES / 1024} KB`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'the image must be base64')
    // Node decodes a cut or unpadded string by dropping the odd characters: what was stored would not be what was sent.
    .refine((text) => text.length % 4 === 0, 'the image must be padded base64 (a multiple of 4 characters)'),
});

/**
 * The id of a line of the message centre, as the app derives it (a history row's id, or
 * `expiring-2026-12-31`, `packet-finished-<packet id>`): what a read mark is kept by.
 */
export const NoticeIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'a notice id is 1–64 lower-case letters, digits and . _ : -');
export const NOTICE_READS_MAX = 100;
export const MarkNoticesReadSchema = z.strictObject({ ids: z.array(NoticeIdSchema).min(1).max(NOTICE_READS_MAX) });
/** The notices the caller has read, newest mark first (at most the last 500). */
export const NoticeReadsSchema = z.object({ readIds: z.array(z.string()) });

/** `GET /recipients?phone=`: who a gift to this number would reach, shown before data leaves. */
export const RecipientQuerySchema = z.strictObject({ phone: PhoneSchema });
export const RecipientSchema = z.object({
  maskedPhone: MaskedPhoneSchema,
  registered: z.boolean(),
  /** Null for a number that has not signed in yet. */
  nickname: z.string().nullable(),
});

/**
 * What anyone holding a packet's link may see before signing in: who sent it, the greeting,
 * the kind, whether it is still open. Never who grabbed what or how much is left; a room
 * packet's greeting is for the room, so its cover says only that it belongs to a chat room.
 */
export const RedPacketCoverSchema = z.object({
  id: z.string(),
  mode: z.enum(['random', 'equal']),
  status: z.enum(['open', 'finished', 'expired']),
  senderNickname: z.string(),
  /** The sender's uploaded face; null: the one generated from the nickname. */
  senderAvatarUrl: z.string().nullable(),
  greeting: z.string().nullable(),
  hasPassphrase: z.boolean(),
  roomPacket: z.boolean(),
});

/** The answer to `POST /red-packets`: the packet, and the absolute link a friend opens (SPEC §4). */
export const CreatedRedPacketSchema = RedPacketSchema.extend({ shareUrl: z.string() });

export const RedPacketRoleSchema = z.enum(['sent', 'received']);
export const RedPacketRecordsQuerySchema = z.strictObject({
  role: RedPacketRoleSchema,
  limit: z.coerce.number().int().min(1).max(50).optional(),
  cursor: z.string().max(40).optional(),
});
/** One row of 红包记录: a packet the caller sent, or one they grabbed from (with their share). */
export const RedPacketRecordSchema = z.object({
  id: z.string(),
  mode: z.enum(['random', 'equal']),
  status: z.enum(['open', 'finished', 'expired']),
  senderNickname: z.string(),
  greeting: z.string().nullable(),
  count: z.number().int(),
  totalMb: z.number().int(),
  remainingCount: z.number().int(),
  /** Received: the caller's share. Sent: null. */
  myAmountMb: z.number().int().nullable(),
  /** Received: the caller was 手气最佳 of this finished random packet. */
  luckiest: z.boolean(),
  /** Sent: when it was sent; received: when the caller grabbed. */
  at: z.string(),
});
export const RedPacketRecordsSchema = z.object({
  items: z.array(RedPacketRecordSchema),
  nextCursor: z.string().nullable(),
  /** Over every packet of this role, not just this page. */
  summary: z.object({ count: z.number().int(), totalMb: z.number().int(), luckiestCount: z.number().int() }),
});

export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>;
export type NoticeReads = z.infer<typeof NoticeReadsSchema>;
export type Recipient = z.infer<typeof RecipientSchema>;
export type RedPacketCover = z.infer<typeof RedPacketCoverSchema>;
export type CreatedRedPacket = z.infer<typeof CreatedRedPacketSchema>;
export type RedPacketRole = z.infer<typeof RedPacketRoleSchema>;
export type RedPacketRecord = z.infer<typeof RedPacketRecordSchema>;
export type RedPacketRecords = z.infer<typeof RedPacketRecordsSchema>;
