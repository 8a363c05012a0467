import { formatMb, shanghaiDate } from '@liuliang/shared';
import type { ParsedAmount } from '../commands/amount';
import type { Lang } from '../commands/command';

/** Group chats are public: a phone number is shown as 138****8000, by the one helper the service and the mini-program use too. */
export { maskPhone } from '@liuliang/shared';

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar day in Asia/Shanghai (SPEC §1): "8月31日" / "Aug 31". */
export function formatDay(isoTime: string, lang: Lang): string {
  const date = new Date(isoTime);
  if (Number.isNaN(date.getTime())) return isoTime;
  const { month, day } = shanghaiDate(date);
  return lang === 'zh' ? `${month}月${day}日` : `${MONTHS_EN[month - 1] ?? month} ${day}`;
}

/** "（没写单位，按 100 MB 算）" after a reply whose amount was a bare number; empty otherwise. */
export function unitNote(amounts: readonly ParsedAmount[], lang: Lang): string {
  const assumed = amounts.filter((amount) => amount.unitAssumed);
  if (assumed.length === 0) return '';
  const list = assumed.map((amount) => formatMb(amount.amountMb)).join(lang === 'zh' ? '、' : ', ');
  return lang === 'zh' ? `\n（没写单位，按 ${list} 算）` : `\n(No unit given, so I took it as ${list}.)`;
}

export function pick(lang: Lang, zh: string, en: string): string {
  return lang === 'zh' ? zh : en;
}
