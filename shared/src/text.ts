import { z } from 'zod';

/**
 * Free text that people write and other people read (gift messages, greetings, passphrases).
 *
 * Characters nobody types on purpose but that make a text lie about itself are refused, not
 * stripped: a 400 tells the writer what happened, and what was stored is what was sent.
 * - control characters (C0, DEL, C1): line breaks and escapes that forge a second line of a
 *   chat message or an SMS;
 * - bidi controls (U+061C, U+200E/F, U+202A–E, U+2066–9): "RLO" turns "txt.exe" into what
 *   reads as "exe.txt", and a passphrase that looks like another one;
 * - zero-width characters (U+200B/C, U+2060, U+FEFF): two texts that look the same but differ,
 *   such as a passphrase nobody can repeat by typing what they see.
 * - lone surrogates (half of an emoji's UTF-16 pair): no character at all; the database and an
 *   SMS gateway turn them into � or refuse the whole text.
 * U+200D (zero-width joiner) is the exception when it joins two emoji (👨‍👩‍👧, ❤️‍🔥): that is
 * how those emoji are spelled; anywhere else it is refused like the other zero-width characters.
 */
const UNSAFE_CHARACTER = /[\p{Cc}\p{Cs}\u061C\u200B\u200C\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;
const ZERO_WIDTH_JOINER = 0x200d;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
/** What may sit between an emoji and the joiner that follows it: VS16 and the skin tones. */
const EMOJI_MODIFIER = /[\uFE0F\u{1F3FB}-\u{1F3FF}]/u;

export interface UnsafeCharacter {
  /** "U+202E" */
  codePoint: string;
  /** Index in code points, counting from 0. */
  position: number;
}

/** The first character `safeText` refuses, or null. No lookbehind: older mini-program engines lack it. */
export function findUnsafeCharacter(text: string): UnsafeCharacter | null {
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    const codePoint = char.codePointAt(0)!;
    const unsafe = codePoint === ZERO_WIDTH_JOINER ? !joinsTwoEmoji(chars, i) : UNSAFE_CHARACTER.test(char);
    if (unsafe) return { codePoint: `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`, position: i };
  }
  return null;
}

function joinsTwoEmoji(chars: readonly string[], joinerAt: number): boolean {
  let before = joinerAt - 1;
  while (before >= 0 && EMOJI_MODIFIER.test(chars[before])) before--;
  const after = chars[joinerAt + 1];
  return before >= 0 && PICTOGRAPH.test(chars[before]) && after !== undefined && PICTOGRAPH.test(after);
}

/**
 * The one schema for user-written free text: trimmed, at most `maxChars` (UTF-16 units, as
 * the columns count), and refused with a message naming the character when it holds one of
 * the characters above. Add `.min(1, …)` where blank is not allowed.
 */
export function safeText(maxChars: number) {
  return z
    .string()
    .trim()
    .max(maxChars)
    .superRefine((text, ctx) => {
      const found = findUnsafeCharacter(text);
      if (found) {
        ctx.addIssue({
          code: 'custom',
          message: `contains an invisible or control character (${found.codePoint} at position ${found.position}); type the text again without it`,
          params: { rule: 'unsafe_character', codePoint: found.codePoint, position: found.position },
        });
      }
    })
    .describe('Free text: trimmed; control, bidi and zero-width characters are refused.');
}

/**
 * A passphrase as said in a chat: punctuation and symbols at either end go ("芝麻开门！" is
 * 芝麻开门); a text of nothing else is kept as it was. The bot and the mini-program trim both
 * the passphrase they set and the one said, so the two faces match the same way.
 */
export function trimPunctuation(text: string): string {
  const trimmed = text.trim().replace(/^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu, '');
  return trimmed === '' ? text.trim() : trimmed;
}
