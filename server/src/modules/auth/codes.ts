import { createHmac, randomInt } from 'node:crypto';

export const CODE_LIFETIME_MS = 5 * 60_000;
/**
 * Wrong guesses one code survives across every requester. Each requester has its own, smaller
 * allowance (config), so a stranger's five guesses cannot lock the owner out; this bound keeps
 * a guesser with many addresses at 50 in a million per code.
 */
export const CODE_MAX_TRIES = 50;

/** A random source, injected so tests can fix codes if they need to. */
export type DigitSource = () => string;
export const randomSixDigits: DigitSource = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Codes are stored only as a keyed hash: a leaked table does not leak live codes. */
export function hashCode(secret: string, phone: string, code: string): string {
  return createHmac('sha256', secret).update(`${phone}:${code}`).digest('hex');
}
