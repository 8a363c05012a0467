/**
 * Coupon codes (卡密, SPEC §3.8): 16 characters of Crockford's base32 and one check character,
 * read back however a person types them. The check character is Luhn mod 32 over the same
 * alphabet (rather than Crockford's mod-37 symbols, which add * ~ $ = U): it stays a letter or
 * a digit that a phone keyboard types, and it catches every single mistyped character and most
 * swaps of two neighbours before the code reaches the service.
 */

/** Crockford's base32 alphabet, upper case: no I, L, O or U. */
export const COUPON_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters that carry the code's randomness: 16 × 5 = 80 bits. */
export const COUPON_BODY_CHARS = 16;
/** The body and its check character. */
export const COUPON_CODE_CHARS = COUPON_BODY_CHARS + 1;
/** Longer input is not a code however it is spaced (bounds the work on a pasted text). */
export const COUPON_INPUT_MAX_CHARS = 64;

const BASE = COUPON_ALPHABET.length;

function valueOf(char: string): number {
  return COUPON_ALPHABET.indexOf(char);
}

/** Luhn mod N: the character that makes the whole code's weighted sum a multiple of 32. */
export function couponCheckCharacter(body: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    const value = valueOf(body[i]);
    if (value < 0) throw new Error(`not a Crockford base32 character: ${body[i]}`);
    const addend = factor * value;
    sum += Math.floor(addend / BASE) + (addend % BASE);
    factor = factor === 2 ? 1 : 2;
  }
  return COUPON_ALPHABET[(BASE - (sum % BASE)) % BASE];
}

/** A full code from a body of COUPON_BODY_CHARS alphabet characters. */
export function couponCodeOf(body: string): string {
  if (body.length !== COUPON_BODY_CHARS) throw new Error(`a coupon body has ${COUPON_BODY_CHARS} characters, got ${body.length}`);
  return body + couponCheckCharacter(body);
}

export type CouponCodeReading =
  | { ok: true; code: string }
  /** `shape`: not 17 alphabet characters; `check`: the check character does not match (a typo). */
  | { ok: false; reason: 'shape' | 'check' };

/**
 * Reads a code as typed: case does not matter, hyphens and spaces are ignored, and the letters
 * Crockford reads as digits are read so (I and L as 1, O as 0).
 */
export function readCouponCode(input: string): CouponCodeReading {
  if (input.length > COUPON_INPUT_MAX_CHARS) return { ok: false, reason: 'shape' };
  const code = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (code.length !== COUPON_CODE_CHARS || [...code].some((c) => valueOf(c) < 0)) return { ok: false, reason: 'shape' };
  if (couponCheckCharacter(code.slice(0, COUPON_BODY_CHARS)) !== code[COUPON_BODY_CHARS]) return { ok: false, reason: 'check' };
  return { ok: true, code };
}

/** A code as printed for people: XXXX-XXXX-XXXX-XXXXC, four groups that are easy to read out. */
export function formatCouponCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12)}`;
}
