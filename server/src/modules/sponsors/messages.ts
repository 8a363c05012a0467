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
