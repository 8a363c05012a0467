import { MAX_REQUEST_AMOUNT_MB, MB_PER_GB } from '@liuliang/shared';

/** An amount read from chat text, in integer MB, remembering whether the person wrote a unit. */
export interface ParsedAmount {
  amountMb: number;
  /** True for a bare number ("100"): the bot took it as MB and says so in its reply. */
  unitAssumed: boolean;
}

export type AmountErrorCode =
  | 'AMOUNT_INVALID'
  | 'AMOUNT_ZERO'
  | 'AMOUNT_NEGATIVE'
  | 'AMOUNT_FRACTIONAL'
  | 'AMOUNT_TOO_LARGE';

export interface AmountError {
  code: AmountErrorCode;
  /** The text as the person wrote it, to quote back. */
  input: string;
  /** For a fractional amount: the whole MB just below it (1.3G → 1331), when that is above zero. */
  suggestionMb?: number;
}

export type AmountReading =
  | { ok: true; amount: ParsedAmount; rest: string }
  | { ok: false; error: AmountError };

/**
 * Digits beyond this are refused before any arithmetic: no real amount needs them, and the
 * bound keeps the BigInt work below constant.
 */
const MAX_AMOUNT_DIGITS = 24;

const UNIT_MB: Readonly<Record<string, number>> = {
  m: 1,
  mb: 1,
  '兆': 1,
  g: MB_PER_GB,
  gb: MB_PER_GB,
};

/**
 * A number, an optional unit, then the end of the word. The unit alternatives list the longer
 * spelling first so that "100mb" is read as MB and not as "100m" followed by "b".
 */
const AMOUNT_AT_START = /^([+-]?)(\d+)(?:\.(\d+))?\s*(mb|m|gb|g|兆)?(?=\s|$)/i;
/** What an attempted amount looks like, to quote it back when it cannot be read. */
const FIRST_WORD = /^\S+/;

/**
 * Reads an amount at the start of `text` ("100M", "1.5 GB", "100兆", "100") into integer MB.
 * 1 GB = 1024 MB; an amount that is not a whole number of MB is refused with the nearest
 * whole amount below it, because amounts are integer MB end to end (SPEC §1).
 */
export function readAmount(text: string): AmountReading {
  const match = AMOUNT_AT_START.exec(text);
  if (match === null) {
    return { ok: false, error: { code: 'AMOUNT_INVALID', input: firstWord(text) } };
  }
  const [whole, sign, integerDigits, fractionDigits = '', unit] = match;
  const input = whole.trim();
  const rest = text.slice(whole.length).trim();
  if (integerDigits.length + fractionDigits.length > MAX_AMOUNT_DIGITS) {
    return { ok: false, error: { code: 'AMOUNT_TOO_LARGE', input } };
  }
  const unitMb = unit === undefined ? 1 : UNIT_MB[unit.toLowerCase()];
  if (unitMb === undefined) throw new Error(`unit ${unit} matched the pattern but has no size`);

  // Exact arithmetic: value = (integer·10^k + fraction) / 10^k, in MB after × unitMb.
  const denominator = 10n ** BigInt(fractionDigits.length);
  const numerator = (BigInt(integerDigits) * denominator + BigInt(fractionDigits || '0')) * BigInt(unitMb);
  if (numerator === 0n) return { ok: false, error: { code: 'AMOUNT_ZERO', input } };
  if (sign === '-') return { ok: false, error: { code: 'AMOUNT_NEGATIVE', input } };
  const wholeMb = numerator / denominator;
  if (wholeMb > BigInt(MAX_REQUEST_AMOUNT_MB)) return { ok: false, error: { code: 'AMOUNT_TOO_LARGE', input } };
  if (numerator % denominator !== 0n) {
    const error: AmountError = { code: 'AMOUNT_FRACTIONAL', input };
    if (wholeMb > 0n) error.suggestionMb = Number(wholeMb);
    return { ok: false, error };
  }
  return { ok: true, amount: { amountMb: Number(wholeMb), unitAssumed: unit === undefined }, rest };
}

/** Reads a whole text as one amount; anything after the amount makes it invalid. */
export function parseAmount(text: string): { ok: true; amount: ParsedAmount } | { ok: false; error: AmountError } {
  const trimmed = text.trim();
  const reading = readAmount(trimmed);
  if (!reading.ok) return reading;
  if (reading.rest !== '') return { ok: false, error: { code: 'AMOUNT_INVALID', input: trimmed } };
  return { ok: true, amount: reading.amount };
}

function firstWord(text: string): string {
  return FIRST_WORD.exec(text)?.[0] ?? '';
}
