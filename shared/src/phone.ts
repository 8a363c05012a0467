import { z } from 'zod';

/** A mainland mobile number: 1, then 3-9, then nine digits. The one copy of the rule, as source to embed in other patterns. */
export const PHONE_DIGITS = '1[3-9]\\d{9}';
export const PHONE_PATTERN = new RegExp(`^${PHONE_DIGITS}$`);
/** The same rule, split into the parts a masked number keeps. */
const FULL_PHONE = /^(1[3-9]\d)\d{4}(\d{4})$/;

/**
 * "13800138000" → "138****8000": another person's number is never shown whole, to a sender
 * who may only know a chat name, in a group chat, or in a history. Anything that is not a
 * whole mainland number (already masked, "红包", a nickname) comes back unchanged, so the
 * helper is safe to apply to any counterparty text and to apply twice.
 */
export function maskPhone(text: string): string {
  return text.replace(FULL_PHONE, '$1****$2');
}

export const MaskedPhoneSchema = z.string().regex(/^1[3-9]\d\*{4}\d{4}$/, 'a masked mainland number: 138****8000');
