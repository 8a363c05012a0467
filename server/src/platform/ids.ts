import { randomBytes } from 'node:crypto';

/** Crockford's base32 alphabet: no I, L, O, U, so an id read aloud or retyped survives. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** 130 bits: SPEC §4 asks at least 128 for any id a person sees or shares. */
const ID_CHARS = 26;

/**
 * An opaque id for an object that people share by link (SPEC §4): holding the id is what lets
 * a person in, so it is random, never a counter. Lower case only, so a case-insensitive column
 * compares it exactly.
 */
export function opaqueId(): string {
  const bytes = randomBytes(ID_CHARS);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}

/** What an opaque id (or a legacy numeric one) looks like; anything else names nothing. */
export const OPAQUE_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{1,32}$/;
