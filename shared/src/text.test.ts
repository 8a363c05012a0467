import { findUnsafeCharacter, safeText } from './text';
import { GiftRequestSchema, PassphraseSchema, RedPacketCreateSchema } from './schemas';

describe('safeText', () => {
  const text = safeText(60);

  it.each([
    ['a newline (C0 control)', '生日\n快乐', 'U+000A'],
    ['an escape (C0 control)', 'hi\u001b[31m', 'U+001B'],
    ['DEL', 'hi\u007f', 'U+007F'],
    ['a C1 control', 'hi\u0085', 'U+0085'],
    ['a right-to-left override', '恭喜\u202Etxt.exe', 'U+202E'],
    ['a left-to-right embedding', '\u202A恭喜', 'U+202A'],
    ['a pop directional formatting', '恭喜\u202C', 'U+202C'],
    ['a right-to-left isolate', '恭喜\u2067发财', 'U+2067'],
    ['a pop directional isolate', '恭喜\u2069发财', 'U+2069'],
    ['a left-to-right mark', '恭喜\u200E发财', 'U+200E'],
    ['a right-to-left mark', '恭喜\u200F发财', 'U+200F'],
    ['an Arabic letter mark', '恭喜\u061C发财', 'U+061C'],
    ['a zero-width space', '恭喜\u200B发财', 'U+200B'],
    ['a zero-width non-joiner', '恭喜\u200C发财', 'U+200C'],
    ['a zero-width joiner between letters', '恭喜\u200D发财', 'U+200D'],
    ['a word joiner', '恭喜\u2060发财', 'U+2060'],
    ['a byte order mark inside the text', '恭喜\uFEFF发财', 'U+FEFF'],
    ['a lone high surrogate (half an emoji: no character at all)', '恭喜\uD83D发财', 'U+D83D'],
    ['a lone low surrogate at the end', '恭喜\uDE00', 'U+DE00'],
  ])('refuses %s', (_name, input, codePoint) => {
    const result = text.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toContain(codePoint);
    expect(findUnsafeCharacter(input)?.codePoint).toBe(codePoint);
  });

  it.each([
    ['Chinese with punctuation', '恭喜发财，大吉大利！'],
    ['an emoji spelled with joiners', '全家福 👨‍👩‍👧 ❤️‍🔥'],
    ['an emoji with a skin tone before the joiner', '👩🏽‍💻 加油'],
    ['plain ASCII', 'Happy birthday :)'],
  ])('accepts %s', (_name, input) => {
    expect(text.parse(input)).toBe(input);
  });

  it('trims before it counts', () => {
    expect(safeText(3).parse('  abc  ')).toBe('abc');
    expect(safeText(3).safeParse('abcd').success).toBe(false);
  });
});

describe('the passphrase of a red packet', () => {
  it('is refused when it is only spaces, with a message that says so', () => {
    const result = RedPacketCreateSchema.safeParse({ mode: 'equal', perShareMb: 10, count: 1, passphrase: '   ' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toMatch(/cannot be blank/);
  });

  it('is trimmed and bounded to 32 characters', () => {
    expect(PassphraseSchema.parse('  芝麻开门 ')).toBe('芝麻开门');
    expect(PassphraseSchema.safeParse('x'.repeat(33)).success).toBe(false);
  });
});

describe('a gift message', () => {
  it('goes through the same free-text rule', () => {
    expect(GiftRequestSchema.safeParse({ toPhone: '13800138000', amountMb: 10, message: 'hi\u202Eiy' }).success).toBe(false);
  });
});
