import { CROWDFUND_TITLE_MAX_CHARS, GIFT_MESSAGE_MAX_CHARS, PHONE_DIGITS, PHONE_PATTERN, RED_PACKET_MAX_COUNT, readCouponCode, TIP_MESSAGE_MAX_CHARS, trimPunctuation } from '@liuliang/shared';
import { readAmount, type ParsedAmount } from './amount';
import type { Command, CommandName, Lang, ParseError, ParseErrorCode, ParseOutcome, Recipient } from './command';

/** Where a message was said: a direct message, or a room message that @mentions the bot, is "addressed". */
export interface ParseContext {
  addressed: boolean;
  /** A direct chat with the bot (not a room): where a "你好" gets a welcome. */
  direct?: boolean;
  /** Display names of the contacts @mentioned in the message, so "@Anna Lee" is read as one name. */
  mentionNames?: readonly string[];
}

/** The server refuses longer passphrases (RedPacketCreateSchema); refusing here gives a better reply. */
export const PASSPHRASE_MAX_CHARS = 32;
/** Bounds the work on one message; no command is anywhere near this long. */
export const COMMAND_MAX_CHARS = 500;

interface Keyword {
  word: string;
  command: CommandName;
  lang: Lang;
  /**
   * Chinese keywords work in a room without a slash or an @mention ("余额", "抢"), the way people
   * talk to such bots; English words need "/" or an @mention, since "help" or "balance" is as
   * likely to be ordinary chat.
   */
  bare: boolean;
}

function keywords(command: CommandName, bareWords: readonly string[], addressedWords: readonly string[] = []): Keyword[] {
  const langOf = (word: string): Lang => (/[^\x00-\x7f]/.test(word) ? 'zh' : 'en');
  return [
    ...bareWords.map((word) => ({ word, command, lang: langOf(word), bare: true })),
    ...addressedWords.map((word) => ({ word, command, lang: langOf(word), bare: false })),
  ];
}

/** Longest first, so that "普通红包" wins over "红包" and "/hongbao-equal" over "/hongbao". */
const KEYWORDS: readonly Keyword[] = [
  // Traditional characters (余額, 紅包, 搶 …) are the same words typed on another keyboard: understood, answered in Chinese.
  ...keywords('help', ['/help', '/h', '/?', '/帮助', '帮助', '菜单', '幫助'], ['help']),
  ...keywords('bind', ['/bind', '/绑定', '绑定', '绑定手机', '綁定'], ['bind']),
  ...keywords('balance', ['/balance', '/bal', '/wallet', '/余额', '余额', '查余额', '查流量', '余額', '餘額', '查餘額'], ['balance', 'wallet']),
  ...keywords('give', ['/give', '/gift', '/转赠', '转赠', '赠送', '轉贈', '贈送'], ['give', 'gift']),
  ...keywords('hongbao-equal', ['/hongbao-equal', '/hb-equal', '/hbe', '/普通红包', '普通红包', '均分红包', '普通紅包'], ['hongbao-equal']),
  ...keywords('hongbao', ['/hongbao', '/hb', '/红包', '/拼手气红包', '红包', '发红包', '拼手气红包', '紅包', '發紅包'], ['hongbao']),
  // "grab" alone is how English speakers answer a packet, so it works bare, like "抢".
  ...keywords('grab', ['/grab', '/抢', 'grab', '抢', '抢红包', '搶', '搶紅包']),
  ...keywords('bank', ['/bank', '/deposit', '/转存', '转存', '存流量', '轉存'], ['bank', 'deposit']),
  ...keywords('tip', ['/tip', '/打赏', '打赏', '打賞'], ['tip']),
  ...keywords('crowdfund', ['/crowdfund', '/众筹', '众筹', '发起众筹', '眾籌', '發起眾籌'], ['crowdfund']),
  ...keywords('pledge', ['/pledge', '/支持', '支持'], ['pledge']),
  ...keywords('family', ['/family', '/家庭', '/共享', '家庭', '家庭共享'], ['family']),
  // "领取" also ends the packet announcement ("发送「抢」领取！"), so someone may say it to grab:
  // only "领取 <amount>" draws; a bare "领取" stays chat (and may be a packet's passphrase),
  // and a misread one addressed to the bot is answered with the usage, which points to 抢.
  ...keywords('draw', ['/draw', '/领取', '领取'], ['draw']),
  ...keywords('checkin', ['/checkin', '/签到', '签到', '打卡'], ['checkin']),
  ...keywords('cashout', ['/cashout', '/提取', '提取', '/变现', '变现'], ['cashout']),
  ...keywords('confirm', ['/confirm', '/确认', '确认'], ['confirm']),
  ...keywords('redeem', ['/redeem', '/兑换', '兑换', '兑换码', '兌換'], ['redeem']),
  ...keywords('unsubscribe', ['/unsubscribe', '/退订', '退订', '退訂'], ['unsubscribe']),
  ...keywords('subscribe', ['/subscribe', '/订阅', '订阅', '訂閱'], ['subscribe']),
].sort((a, b) => b.word.length - a.word.length);

/** Words one slip away from a command ("转增" for 转赠): answered with a hint, never acted on. */
const NEAR_MISSES: ReadonlyArray<[string, CommandName]> = [
  ['转增', 'give'],
  ['转送', 'give'],
  ['专赠', 'give'],
  ['转帐', 'give'],
  ['余量', 'balance'],
  ['馀额', 'balance'],
  ['查询余额', 'balance'],
  ['红苞', 'hongbao'],
  ['宏包', 'hongbao'],
  ['抡', 'grab'],
  ['绑订', 'bind'],
  ['帮定', 'bind'],
  ['转成', 'bank'],
];

/** A hello said to the bot in a direct chat: answered with a welcome. */
const GREETINGS = new Set(['你好', '您好', '哈喽', '嗨', '在吗', 'hi', 'hello', 'hey', '你好呀', '你好啊']);

const CJK = /[\u3400-\u9fff]/;
const PHONE_AT_START = new RegExp(`^(?:\\+?86)?(${PHONE_DIGITS})(?=\\s|$)`);
const SMS_CODE = /^\d{6}$/;
const COUNT_AT_START = /^([+-]?\d{1,12})\s*个?(?=\s|$)/;
const WORD_AT_START = /^\S+/;

/**
 * Reads one chat message as a bot command. Pure: the same text and context always give the same
 * outcome. `none` means ordinary chat, which the bot must leave alone.
 */
export function parseCommand(text: string, context: ParseContext): ParseOutcome {
  const normalized = normalizeText(text);
  if (normalized === '' || normalized.length > COMMAND_MAX_CHARS) return { kind: 'none' };
  const hasSlash = normalized.startsWith('/');
  const greeting = normalized.toLowerCase().replace(/[!！~～。.,，?？\s]+$/u, '');
  if (context.direct === true && GREETINGS.has(greeting)) return { kind: 'command', lang: CJK.test(greeting) ? 'zh' : 'en', command: { kind: 'welcome' } };
  const found = findKeyword(normalized);
  if (found === null) {
    const nearMiss = findNearMiss(normalized);
    if (nearMiss !== null) return { kind: 'error', lang: 'zh', error: { code: 'DID_YOU_MEAN', command: nearMiss.command, input: nearMiss.word } };
    if (!hasSlash && !context.addressed) return { kind: 'none' };
    return { kind: 'error', lang: CJK.test(normalized) ? 'zh' : 'en', error: { code: 'UNKNOWN_COMMAND', command: null, input: firstWord(normalized) } };
  }
  const { keyword, rest } = found;
  const explicit = hasSlash || context.addressed;
  if (!keyword.bare && !explicit) return { kind: 'none' };

  const result = parseArguments(keyword.command, rest, context);
  // Commands carry `kind`, errors do not (a bind code command has a `code` field of its own).
  if (!('kind' in result)) {
    // Unaddressed chat that merely starts with a keyword ("红包 来了") is not an attempt at a
    // command; an argument with a digit or an @mention in it is, and deserves a reply.
    // So is a red packet keyword said alone: "红包" by itself is someone asking how to send one.
    const attempted = explicit || /[\d@]/.test(rest) || (rest === '' && (keyword.command === 'hongbao' || keyword.command === 'hongbao-equal') && CJK.test(keyword.word));
    if (!attempted) return { kind: 'none' };
    return { kind: 'error', lang: keyword.lang, error: result };
  }
  // A bare keyword followed by chatter ("余额 不够了") is chat, not a command.
  if (!explicit && rest !== '' && takesNoArguments(keyword.command)) return { kind: 'none' };
  return { kind: 'command', lang: keyword.lang, command: result };
}

/** Full-width digits and letters become ASCII (１００Ｍ → 100M), every run of spaces one space. */
export function normalizeText(text: string): string {
  return text.slice(0, COMMAND_MAX_CHARS * 2).normalize('NFKC').replace(/\s+/g, ' ').trim();
}

function findNearMiss(text: string): { word: string; command: CommandName } | null {
  for (const [word, command] of NEAR_MISSES) {
    const next = text.charAt(word.length);
    if (text.startsWith(word) && (next === '' || next === ' ' || /[\d@]/.test(next))) return { word, command };
  }
  return null;
}

function findKeyword(text: string): { keyword: Keyword; rest: string } | null {
  const lower = text.toLowerCase();
  for (const keyword of KEYWORDS) {
    if (!lower.startsWith(keyword.word)) continue;
    const next = text.charAt(keyword.word.length);
    // "绑定13800138000" and "红包1G 10" are fine in Chinese, where words are not spaced.
    const boundary = next === '' || next === ' ' || (CJK.test(keyword.word) && /[\d@]/.test(next));
    if (boundary) return { keyword, rest: text.slice(keyword.word.length).trim() };
  }
  return null;
}

function takesNoArguments(command: CommandName): boolean {
  return ['help', 'balance', 'grab', 'family', 'checkin', 'unsubscribe', 'subscribe', 'confirm'].includes(command);
}

function parseArguments(command: CommandName, rest: string, context: ParseContext): Command | ParseError {
  switch (command) {
    case 'help':
      return { kind: 'help' };
    case 'balance':
      return { kind: 'balance' };
    case 'grab':
      return { kind: 'grab' };
    case 'checkin':
      return { kind: 'checkin' };
    case 'unsubscribe':
      return { kind: 'unsubscribe' };
    case 'subscribe':
      return { kind: 'subscribe' };
    case 'bind':
      return parseBind(rest);
    case 'give':
      return parseGive(rest, context.mentionNames ?? []);
    case 'hongbao':
    case 'hongbao-equal':
      return parseHongbao(command, rest);
    case 'bank':
      return parseSoleAmount('bank', rest);
    case 'cashout':
      return parseSoleAmount('cashout', rest);
    case 'confirm':
      return { kind: 'confirm' };
    case 'tip':
      return parseTip(rest, context.mentionNames ?? []);
    case 'crowdfund':
      return parseCrowdfund(rest);
    case 'pledge':
      return parsePledge(rest);
    case 'family':
      return { kind: 'family' };
    case 'draw':
      return parseSoleAmount('draw', rest);
    case 'redeem':
      return parseRedeem(rest);
  }
}

/** A coupon code as people type it (spaces, hyphens, lower case, O for 0): read by shared's one reader. */
function parseRedeem(rest: string): Command | ParseError {
  if (rest === '') return fail('COUPON_CODE_MISSING', 'redeem');
  const reading = readCouponCode(rest);
  if (reading.ok) return { kind: 'redeem', code: reading.code };
  return fail(reading.reason === 'check' ? 'COUPON_CODE_MISTYPED' : 'COUPON_CODE_INVALID', 'redeem', rest);
}

function fail(code: ParseErrorCode, command: CommandName, input?: string, suggestionMb?: number): ParseError {
  const error: ParseError = { code, command };
  if (input !== undefined) error.input = input;
  if (suggestionMb !== undefined) error.suggestionMb = suggestionMb;
  return error;
}

function parseBind(rest: string): Command | ParseError {
  if (rest === '') return fail('BIND_ARGUMENT_MISSING', 'bind');
  // People write numbers as "138 0013 8000", "138-0013-8000" or "+86 13800138000".
  let compact = rest.replace(/[\s-]/g, '');
  if (/^\+?86\d{11}$/.test(compact)) compact = compact.slice(compact.length - 11);
  if (PHONE_PATTERN.test(compact)) return { kind: 'bind-phone', phone: compact };
  if (SMS_CODE.test(compact)) return { kind: 'bind-code', code: compact };
  return fail('BIND_ARGUMENT_INVALID', 'bind', rest);
}

function readRecipient(text: string, mentionNames: readonly string[]): { recipient: Recipient; rest: string } | null {
  if (text.startsWith('@')) {
    const longestFirst = [...mentionNames].map(normalizeText).sort((a, b) => b.length - a.length);
    for (const name of longestFirst) {
      const next = text.charAt(name.length + 1);
      if (name !== '' && text.startsWith(`@${name}`) && (next === '' || next === ' ')) {
        return { recipient: { kind: 'mention', name }, rest: text.slice(name.length + 1).trim() };
      }
    }
    const word = firstWord(text).slice(1);
    if (word === '') return null;
    return { recipient: { kind: 'mention', name: word }, rest: text.slice(word.length + 1).trim() };
  }
  const phone = PHONE_AT_START.exec(text);
  if (phone !== null && phone[1] !== undefined) {
    return { recipient: { kind: 'phone', phone: phone[1] }, rest: text.slice(phone[0].length).trim() };
  }
  return null;
}

type AmountStep = { amount: ParsedAmount; rest: string } | ParseError;

function readRequiredAmount(text: string, command: CommandName): AmountStep {
  if (text === '') return fail('AMOUNT_MISSING', command);
  const reading = readAmount(text);
  if (!reading.ok) return fail(reading.error.code, command, reading.error.input, reading.error.suggestionMb);
  return { amount: reading.amount, rest: reading.rest };
}

function parseGive(rest: string, mentionNames: readonly string[]): Command | ParseError {
  // Either order reads naturally: "转赠 @小红 100M" and "转赠 100M 给 @小红" are both common.
  let recipientFirst = readRecipient(rest, mentionNames);
  let recipient: Recipient;
  let amount: ParsedAmount;
  let remainder: string;
  if (recipientFirst !== null) {
    const step = readRequiredAmount(recipientFirst.rest, 'give');
    if ('code' in step) return step;
    ({ recipient } = recipientFirst);
    ({ amount, rest: remainder } = step);
  } else {
    const step = readRequiredAmount(rest, 'give');
    // Neither an @mention, a phone number nor an amount first: most likely a name without "@".
    if ('code' in step) return step.code === 'AMOUNT_MISSING' || step.code === 'AMOUNT_INVALID' ? fail('RECIPIENT_MISSING', 'give', step.input) : step;
    const afterAmount = step.rest.replace(/^给\s*/, '');
    recipientFirst = readRecipient(afterAmount, mentionNames);
    if (recipientFirst === null) return fail('RECIPIENT_MISSING', 'give');
    ({ recipient, rest: remainder } = recipientFirst);
    ({ amount } = step);
  }
  const command: Command = { kind: 'give', recipient, amount };
  if (remainder !== '') {
    if (remainder.length > GIFT_MESSAGE_MAX_CHARS) return fail('MESSAGE_TOO_LONG', 'give');
    command.message = remainder;
  }
  return command;
}

function parseHongbao(command: 'hongbao' | 'hongbao-equal', rest: string): Command | ParseError {
  const amountStep = readRequiredAmount(rest, command);
  if ('code' in amountStep) return amountStep;
  if (amountStep.rest === '') return fail('COUNT_MISSING', command);
  const countMatch = COUNT_AT_START.exec(amountStep.rest);
  if (countMatch === null || countMatch[1] === undefined) return fail('COUNT_INVALID', command, firstWord(amountStep.rest));
  const count = Number(countMatch[1]);
  if (!Number.isSafeInteger(count) || count < 1 || count > RED_PACKET_MAX_COUNT) {
    return fail('COUNT_OUT_OF_RANGE', command, countMatch[1]);
  }
  // The same trimming as when it is said: "红包 1G 5 芝麻开门！" makes the passphrase 芝麻开门.
  const passphrase = trimPunctuation(amountStep.rest.slice(countMatch[0].length).trim());
  if (passphrase.length > PASSPHRASE_MAX_CHARS) return fail('PASSPHRASE_TOO_LONG', command);
  // Saying the passphrase grabs; a passphrase the bot would read as a command could never be said.
  if (passphrase !== '' && parseCommand(passphrase, { addressed: false }).kind !== 'none') {
    return fail('PASSPHRASE_IS_COMMAND', command, passphrase);
  }
  const shared = passphrase === '' ? {} : { passphrase };
  return command === 'hongbao'
    ? { kind: 'hongbao', mode: 'random', total: amountStep.amount, count, ...shared }
    : { kind: 'hongbao', mode: 'equal', perShare: amountStep.amount, count, ...shared };
}

/** A command whose only argument is an amount ("转存 100M", "领取 100M"). */
function parseSoleAmount(command: 'bank' | 'draw' | 'cashout', rest: string): Command | ParseError {
  const step = readRequiredAmount(rest, command);
  if ('code' in step) return step;
  // Moving data on a half-understood sentence is worse than asking again.
  if (step.rest !== '') return fail('AMOUNT_INVALID', command, rest);
  return { kind: command, amount: step.amount };
}

function parseTip(rest: string, mentionNames: readonly string[]): Command | ParseError {
  // Only a member of the room is tipped, so only an @mention names one: "打赏 @小红 10M 谢谢".
  const recipient = rest.startsWith('@') ? readRecipient(rest, mentionNames) : null;
  if (recipient === null) return fail('RECIPIENT_MISSING', 'tip', firstWord(rest) || undefined);
  const step = readRequiredAmount(recipient.rest, 'tip');
  if ('code' in step) return step;
  const command: Command = { kind: 'tip', recipient: recipient.recipient, amount: step.amount };
  if (step.rest !== '') {
    if (step.rest.length > TIP_MESSAGE_MAX_CHARS) return fail('MESSAGE_TOO_LONG', 'tip');
    command.message = step.rest;
  }
  return command;
}

const HOUR_SECONDS = 60 * 60;
const DURATION_UNITS: ReadonlyArray<[RegExp, number]> = [
  [/^(?:weeks?|w|周|星期)$/i, 7 * 24 * HOUR_SECONDS],
  [/^(?:days?|d|天)$/i, 24 * HOUR_SECONDS],
  [/^(?:hours?|hrs?|h|个小时|小时|时)$/i, HOUR_SECONDS],
];
/** "3d", "3 days", "3天", "12h", "12小时", "2周": a count and a unit; Chinese units need no space before the title. */
const DURATION_AT_START = /^(\d{1,4})\s*(weeks?|w|days?|d|hours?|hrs?|h|个小时|小时|时|天|周|星期)(?=\s|$|[^\x00-\x7f])/i;

function readDuration(text: string): { seconds: number; rest: string } | null {
  const match = DURATION_AT_START.exec(text);
  if (match === null || match[1] === undefined || match[2] === undefined) return null;
  const unit = DURATION_UNITS.find(([pattern]) => pattern.test(match[2]!));
  const count = Number(match[1]);
  if (unit === undefined || count < 1) return null;
  return { seconds: count * unit[1], rest: text.slice(match[0].length).trim() };
}

function parseCrowdfund(rest: string): Command | ParseError {
  const step = readRequiredAmount(rest, 'crowdfund');
  if ('code' in step) return step;
  if (step.rest === '') return fail('DURATION_MISSING', 'crowdfund');
  const duration = readDuration(step.rest);
  if (duration === null) return fail('DURATION_INVALID', 'crowdfund', firstWord(step.rest));
  if (duration.rest === '') return fail('TITLE_MISSING', 'crowdfund');
  if (duration.rest.length > CROWDFUND_TITLE_MAX_CHARS) return fail('TITLE_TOO_LONG', 'crowdfund');
  return { kind: 'crowdfund', goal: step.amount, durationSeconds: duration.seconds, title: duration.rest };
}

/** A crowdfund's id as the service makes them (Crockford base32, lower case); people may type it in upper case. */
const CROWDFUND_ID = /^[0-9a-hjkmnp-tv-z]{8,32}$/;

function parsePledge(rest: string): Command | ParseError {
  const word = firstWord(rest);
  if (word === '') return fail('CROWDFUND_ID_MISSING', 'pledge');
  const crowdfundId = word.toLowerCase();
  if (!CROWDFUND_ID.test(crowdfundId)) return fail('CROWDFUND_ID_INVALID', 'pledge', word);
  const step = readRequiredAmount(rest.slice(word.length).trim(), 'pledge');
  if ('code' in step) return step;
  if (step.rest !== '') return fail('AMOUNT_INVALID', 'pledge', rest.slice(word.length).trim());
  return { kind: 'pledge', crowdfundId, amount: step.amount };
}

function firstWord(text: string): string {
  return WORD_AT_START.exec(text)?.[0] ?? '';
}
