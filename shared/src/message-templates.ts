import { formatMb } from './units';
import { shanghaiDate } from './shanghai-time';

/**
 * Personalised activity messages (SPEC §3.9): the one parser and renderer of templates, shared by
 * the service (which refuses a bad template when it is saved and renders per recipient) and the
 * mini-program (whose editor previews the same rendering live). Pure: no clock, no I/O.
 *
 * Syntax: `{name}` names one of TEMPLATE_VARIABLE_NAMES; `{{` and `}}` stand for a literal brace.
 * Values are pasted in as they are and never read as template syntax again, so a nickname
 * `{balance}` stays literal text.
 */

/** The variables a message template may name; any other is refused when saved. */
export const TEMPLATE_VARIABLE_NAMES = ['nickname', 'amount', 'activity', 'sponsor', 'balance', 'expiresAt', 'streak'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLE_NAMES)[number];

export type TemplatePart = { text: string } | { variable: TemplateVariable };

export type TemplateProblemCode = 'UNKNOWN_TEMPLATE_VARIABLE' | 'UNBALANCED_TEMPLATE_BRACE' | 'TEMPLATE_TOO_LONG';

/** What is wrong with a template and where: `position` counts code points from 0 (a Chinese character is one). */
export interface TemplateProblem {
  code: TemplateProblemCode;
  position: number;
  /** The unknown name, for UNKNOWN_TEMPLATE_VARIABLE. */
  variable?: string;
  /** For TEMPLATE_TOO_LONG: the longest SMS the template can make, and the most allowed. */
  lengthChars?: number;
  maxChars?: number;
}

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; problem: TemplateProblem };

const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARIABLE_NAMES);

/** Splits a template into literal text and variables, or names the first problem and where it is. */
export function parseTemplate(template: string): ParsedTemplate {
  const chars = Array.from(template);
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if ((char === '{' || char === '}') && chars[i + 1] === char) {
      literal += char;
      i++;
      continue;
    }
    if (char === '}') return { ok: false, problem: { code: 'UNBALANCED_TEMPLATE_BRACE', position: i } };
    if (char !== '{') {
      literal += char;
      continue;
    }
    const close = chars.indexOf('}', i + 1);
    const nextOpen = chars.indexOf('{', i + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) return { ok: false, problem: { code: 'UNBALANCED_TEMPLATE_BRACE', position: i } };
    const name = chars.slice(i + 1, close).join('');
    if (!KNOWN.has(name)) return { ok: false, problem: { code: 'UNKNOWN_TEMPLATE_VARIABLE', position: i, variable: name } };
    if (literal) parts.push({ text: literal });
    literal = '';
    parts.push({ variable: name as TemplateVariable });
    i = close;
  }
  if (literal) parts.push({ text: literal });
  return { ok: true, parts };
}

/** What one recipient's message is made of, before it is written as text. */
export interface TemplateValues {
  nickname: string;
  amountMb: number | null;
  activity: string;
  sponsor: string;
  balanceMb: number | null;
  /** An instant; shown as its Asia/Shanghai date. */
  expiresAt: Date | string | null;
  streak: number | null;
}

/** `YYYY-MM-DD` of the Shanghai day an instant falls on. */
export function shanghaiDay(at: Date): string {
  const { year, month, day } = shanghaiDate(at);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function textOf(values: TemplateValues): Record<TemplateVariable, string> {
  return {
    nickname: values.nickname,
    amount: values.amountMb === null ? '' : formatMb(values.amountMb),
    activity: values.activity,
    sponsor: values.sponsor,
    balance: values.balanceMb === null ? '' : formatMb(values.balanceMb),
    expiresAt: values.expiresAt === null ? '' : shanghaiDay(new Date(values.expiresAt)),
    streak: values.streak === null ? '' : String(values.streak),
  };
}

/** One recipient's text: values pasted in once, never parsed again. */
export function renderTemplate(parts: readonly TemplatePart[], values: TemplateValues): string {
  const text = textOf(values);
  return parts.map((part) => ('text' in part ? part.text : text[part.variable])).join('');
}

/** The signature every activity SMS starts with (SPEC §3.9), and the sponsor it names. */
export const SMS_SIGNATURE = '【流量】';
export function signedActivitySms(sponsor: string, text: string): string {
  return `${SMS_SIGNATURE}${sponsor}：${text}`;
}

/**
 * Length as an SMS counts it: UTF-16 code units, the UCS-2 encoding any message with Chinese in
 * it is sent in. A Chinese character is 1, an emoji outside the BMP is 2; bytes never matter.
 */
export function smsLength(text: string): number {
  return text.length;
}

export interface SmsBudget {
  /** Characters one segment carries (70 for UCS-2). */
  segmentChars: number;
  maxSegments: number;
}

/** Segments a text is sent in; an empty text still costs one. */
export function smsSegments(text: string, budget: Pick<SmsBudget, 'segmentChars'>): number {
  return Math.max(1, Math.ceil(smsLength(text) / budget.segmentChars));
}

/** The widest each variable can render for an activity, for the length check at save time. */
export type VariableWidths = Record<TemplateVariable, number>;

/** Nicknames are at most this long (NICKNAME_MAX_CHARS; repeated here to keep this file free of zod). */
const NICKNAME_WIDTH = 20;
/** "1023.99 GB": the longest balance a wallet shows in practice. */
const BALANCE_WIDTH = 10;
/** "2026-12-31" */
const DATE_WIDTH = 10;
/** A streak of up to 9999 days. */
const STREAK_WIDTH = 4;

/** Widths for an activity whose title, sponsor and largest reward are known. */
export function activityVariableWidths(activity: string, sponsor: string, maxRewardMb: number): VariableWidths {
  return {
    nickname: NICKNAME_WIDTH,
    amount: smsLength(formatMb(maxRewardMb)),
    activity: smsLength(activity),
    sponsor: smsLength(sponsor),
    balance: BALANCE_WIDTH,
    expiresAt: DATE_WIDTH,
    streak: STREAK_WIDTH,
  };
}

/**
 * Parses a template and checks that its longest SMS (signature and sponsor included, every
 * variable at its widest) fits the segment budget. A too-long template is reported at the first
 * code point (or variable) that crosses the budget.
 */
export function checkTemplate(template: string, sponsor: string, widths: VariableWidths, budget: SmsBudget): ParsedTemplate {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return parsed;
  const maxChars = budget.segmentChars * budget.maxSegments;
  let length = smsLength(signedActivitySms(sponsor, ''));
  let crossedAt: number | null = length > maxChars ? 0 : null;
  let position = 0;
  for (const part of parsed.parts) {
    if ('variable' in part) {
      length += widths[part.variable];
      if (crossedAt === null && length > maxChars) crossedAt = position;
      position += part.variable.length + 2;
      continue;
    }
    for (const char of Array.from(part.text)) {
      length += smsLength(char);
      if (crossedAt === null && length > maxChars) crossedAt = position;
      // An escaped brace is two code points in the template, one in the text.
      position += char === '{' || char === '}' ? 2 : 1;
    }
  }
  if (crossedAt !== null) return { ok: false, problem: { code: 'TEMPLATE_TOO_LONG', position: crossedAt, lengthChars: length, maxChars } };
  return parsed;
}

/** A sample recipient for previews: what the editor shows before anyone is rewarded. */
export const SAMPLE_TEMPLATE_VALUES: Omit<TemplateValues, 'activity' | 'sponsor'> = {
  nickname: '小明',
  amountMb: 100,
  balanceMb: 1536,
  expiresAt: '2026-12-31T04:00:00.000Z',
  streak: 3,
};
