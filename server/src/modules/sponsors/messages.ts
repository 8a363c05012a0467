import { formatMb } from '@liuliang/shared';

/**
 * What activities tell people, kept apart from the rules that decide when. The reward text is
 * the default until sponsors' own templates are rendered (the next issue builds on `rewarded`).
 */
export const activityTexts = {
  rewarded: (event: { nickname: string; activity: string; sponsor: string; amountMb: number; streak: number | null }) =>
    `${event.nickname}，你在「${event.activity}」获得 ${formatMb(event.amountMb)} 流量（${event.sponsor} 赞助），已存入钱包。${event.streak && event.streak > 1 ? `已连续签到 ${event.streak} 天。` : ''}`,
  /** SMS carries the service's signature; the chat does not need it. */
  signedSms: (text: string) => `【流量】${text}`,
};

interface FundWarningFacts {
  sponsor: string;
  level: 'warn' | 'alert';
  levelMb: number;
  availableMb: number;
}
const levelName = (level: FundWarningFacts['level']) => (level === 'warn' ? '预警线' : '告警线');
const fundWarningLine = (f: FundWarningFacts) =>
  `${f.sponsor} 的流量预算可用余额为 ${formatMb(f.availableMb)}，已降至${levelName(f.level)} ${formatMb(f.levelMb)}，${f.level === 'alert' ? '活动即将无法发布，' : ''}请及时充值。`;

/** What a sponsor's contacts are told when its budget falls to a fund level (SPEC §3.9). */
export const fundWarningTexts = {
  sms: (f: FundWarningFacts) => activityTexts.signedSms(fundWarningLine(f)),
  /** The first line is the e-mail's subject (see the outbox's sender). */
  email: (f: FundWarningFacts) => `【流量】${f.sponsor} 预算${f.level === 'warn' ? '预警' : '告警'}\n${fundWarningLine(f)}`,
};
