import { formatMb } from '@liuliang/shared';

/**
 * What activities tell people, kept apart from the rules that decide when. Messages to one
 * person are the sponsor's own templates (activity-messages.ts); these are the service's words.
 */
export const activityTexts = {
  /** A rain packet's greeting: whose data it is, as the bot posts it and the packet shows it. */
  rainGreeting: (sponsor: string, activity: string) => `【${sponsor}赞助】${activity}`.slice(0, 255),
  /** What the bot says in a room when a rain packet drops there: members grab with 抢, as any room packet. */
  rainInRoom: (drop: { sponsor: string; activity: string; count: number; totalMb: number }) =>
    `【${drop.sponsor}赞助】红包雨来了！「${drop.activity}」${drop.count} 个红包共 ${formatMb(drop.totalMb)} 流量，发「抢」抢红包。`,
  unknownRooms: (roomIds: readonly string[]) => `The bot is not in ${roomIds.length === 1 ? 'this room' : 'these rooms'}: ${roomIds.join(', ')}.`,
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
  sms: (f: FundWarningFacts) => `【流量】${fundWarningLine(f)}`,
  /** The first line is the e-mail's subject (see the outbox's sender). */
  email: (f: FundWarningFacts) => `【流量】${f.sponsor} 预算${f.level === 'warn' ? '预警' : '告警'}\n${fundWarningLine(f)}`,
};
