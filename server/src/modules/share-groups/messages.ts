import { formatMb, maskPhone } from '@liuliang/shared';

/** What share groups tell people, in Chinese as the product's messages are (SPEC §6). */

const who = (owner: { nickname: string; phone: string }) => `${owner.nickname}（${maskPhone(owner.phone)}）`;

export const addedToGroupText = (owner: { nickname: string; phone: string }, groupName: string, quotaMb: number) =>
  `【流量】${who(owner)} 把你加入了家庭共享「${groupName}」，每月可领取 ${formatMb(quotaMb)}。`;

export const invitedToGroupText = (owner: { nickname: string; phone: string }, groupName: string, quotaMb: number) =>
  `【流量】${who(owner)} 邀请你加入家庭共享「${groupName}」，每月可领取 ${formatMb(quotaMb)}。用本机号码登录即可加入。`;

export const removedFromGroupText = (owner: { nickname: string; phone: string }, groupName: string) => `【流量】${who(owner)} 已把你移出家庭共享「${groupName}」。`;
