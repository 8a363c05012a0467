import { createHmac, randomInt } from 'node:crypto';

export const CODE_LIFETIME_MS = 5 * 60_000;
export const CODE_MAX_TRIES = 5;
export const CODE_RESEND_INTERVAL_MS = 60_000;

/** A random source, injected so tests can fix codes if they need to. */
export type DigitSource = () => string;
export const randomSixDigits: DigitSource = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Codes are stored only as a keyed hash: a leaked table does not leak live codes. */
export function hashCode(secret: string, phone: string, code: string): string {
  return createHmac('sha256', secret).update(`${phone}:${code}`).digest('hex');
}
