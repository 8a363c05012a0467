import { z } from 'zod';
import { PhoneSchema } from '@liuliang/shared';

/**
 * Shapes of the bot-only endpoints, and of the answers the bot reads where it needs fewer fields
 * than the shared schema lists: the bot checks what it uses and lets the service add the rest.
 */
export const BindingSchema = z.object({
  contactId: z.string(),
  userId: z.string(),
  phone: PhoneSchema,
  nickname: z.string(),
});
export type Binding = z.infer<typeof BindingSchema>;

export const GiftOutcomeSchema = z.object({
  id: z.string(),
  status: z.enum(['delivered', 'pending_claim', 'refunded']),
});
export type GiftOutcome = z.infer<typeof GiftOutcomeSchema>;

export const DepositOutcomeSchema = z.object({
  id: z.string(),
  amountMb: z.number().int(),
  status: z.enum(['pending', 'completed', 'failed']),
  expiresAt: z.string().nullable().optional(),
});
export type DepositOutcome = z.infer<typeof DepositOutcomeSchema>;

export const RoomGrabResultSchema = z.object({
  packetId: z.string(),
  amountMb: z.number().int(),
  rank: z.number().int(),
});
export type RoomGrabResult = z.infer<typeof RoomGrabResultSchema>;

export const OUTBOX_TEXT_MAX_CHARS = 4000;
export const ClaimedOutboxItemSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  text: z.string().max(OUTBOX_TEXT_MAX_CHARS),
});
export type ClaimedOutboxItem = z.infer<typeof ClaimedOutboxItemSchema>;
export const OutboxClaimSchema = z.object({ items: z.array(ClaimedOutboxItemSchema) });

export type OutboxResult = { status: 'sent' } | { status: 'failed'; error: string };

export const NoContentSchema = z.unknown();
