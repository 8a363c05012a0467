import { z } from 'zod';
import {
  BotBindingSchema,
  BotOutboxClaimSchema,
  BotContactMessageSchema,
  BotRoomMessageSchema,
  DepositSchema,
  GiftSchema,
  RoomGrabResultSchema as SharedRoomGrabResultSchema,
} from '@liuliang/shared';

/**
 * The answers the bot reads, derived from the shared schemas: where the bot needs fewer fields
 * it picks them (and lets the service add the rest), where it needs a tighter bound it adds it.
 */
export const BindingSchema = BotBindingSchema;
export type Binding = z.infer<typeof BindingSchema>;

export const GiftOutcomeSchema = GiftSchema.pick({ id: true, status: true });
export type GiftOutcome = z.infer<typeof GiftOutcomeSchema>;

export const DepositOutcomeSchema = DepositSchema.pick({ id: true, amountMb: true, status: true, expiresAt: true }).partial({ expiresAt: true });
export type DepositOutcome = z.infer<typeof DepositOutcomeSchema>;

export const RoomGrabResultSchema = SharedRoomGrabResultSchema;
export type RoomGrabResult = z.infer<typeof RoomGrabResultSchema>;

/** A chat message longer than this is not something the bot will send. */
export const OUTBOX_TEXT_MAX_CHARS = 4000;
const ClaimedText = z.string().max(OUTBOX_TEXT_MAX_CHARS);
export const ClaimedOutboxItemSchema = z.union([BotContactMessageSchema.extend({ text: ClaimedText }), BotRoomMessageSchema.extend({ text: ClaimedText })]);
export type ClaimedOutboxItem = z.infer<typeof ClaimedOutboxItemSchema>;
export const OutboxClaimSchema = BotOutboxClaimSchema.extend({ items: z.array(ClaimedOutboxItemSchema) });

export type OutboxResult = { status: 'sent' } | { status: 'failed'; error: string };

export const NoContentSchema = z.unknown();
