import { z } from 'zod';
import { PhoneSchema } from './schemas';
import { safeText } from './text';
import { TEMPLATE_MAX_CHARS } from './sponsors';

/** Broadcasts, message settings, and what the SMS provider tells us (SPEC §3.9 "Personalised messages", §6). */

export const BROADCAST_AUDIENCES = ['participants', 'eligible_not_joined'] as const;
export const BroadcastAudienceSchema = z.enum(BROADCAST_AUDIENCES);

export const BroadcastRequestSchema = z.strictObject({
  template: safeText(TEMPLATE_MAX_CHARS).min(1),
  audience: BroadcastAudienceSchema,
  /** When to send; absent: now. */
  sendAt: z.iso.datetime({ offset: true }).optional(),
});
export const BroadcastSchema = z.object({ id: z.string(), recipients: z.number().int() });
export const AudienceQuerySchema = z.strictObject({ audience: BroadcastAudienceSchema });
export const AudienceSchema = z.object({ audience: BroadcastAudienceSchema, recipients: z.number().int() });

/** A user's own message settings: activity messages on or off (codes and receipts always arrive). */
export const MessageSettingsSchema = z.object({ activityMessages: z.boolean() });
export const MessageSettingsRequestSchema = z.strictObject({ activityMessages: z.boolean() });

/** Words that stop (TD, T, 退订) or restart (订阅) activity messages, by SMS reply or to the bot. */
export const OPT_OUT_WORDS = ['TD', 'T', '退订', '/unsubscribe'] as const;
export const OPT_IN_WORDS = ['订阅', '/subscribe'] as const;
/** What a reply asks for: a stop, a restart, or nothing we act on. Case and surrounding spaces do not matter. */
export function optOutIntent(text: string): 'opt_out' | 'opt_in' | null {
  const word = text.trim().toUpperCase();
  if ((OPT_OUT_WORDS as readonly string[]).includes(word)) return 'opt_out';
  if ((OPT_IN_WORDS as readonly string[]).includes(word)) return 'opt_in';
  return null;
}

/** The SMS provider's signed inbound webhook: a reply from a phone. */
export const InboundMessageSchema = z.strictObject({ from: PhoneSchema, text: z.string().max(1000) });
export const InboundResultSchema = z.object({ action: z.enum(['opted_out', 'opted_in', 'ignored']) });
/** The SMS provider's signed delivery receipt for a message it accepted. */
export const DeliveryReceiptSchema = z.strictObject({ messageId: z.string().min(1).max(128), status: z.enum(['delivered', 'failed']) });
export const DeliveryReceiptResultSchema = z.object({ recorded: z.boolean() });

export type BroadcastAudience = z.infer<typeof BroadcastAudienceSchema>;
export type BroadcastRequest = z.infer<typeof BroadcastRequestSchema>;
export type Broadcast = z.infer<typeof BroadcastSchema>;
export type Audience = z.infer<typeof AudienceSchema>;
export type MessageSettings = z.infer<typeof MessageSettingsSchema>;
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
export type DeliveryReceipt = z.infer<typeof DeliveryReceiptSchema>;
