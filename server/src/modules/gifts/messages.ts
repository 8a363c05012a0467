import { formatMb, maskPhone, type User } from '@liuliang/shared';

/** What gifts tell people (SMS and chat), kept apart from the rules that decide when. */

type Person = Pick<User, 'nickname' | 'phone'>;

const from = (sender: Person) => `${sender.nickname} (${maskPhone(sender.phone)})`;
const note = (message: string | null) => (message ? `留言：${message}` : '');

export const giftTexts = {
  rangeError: (minMb: number, maxMb: number) => `A gift is ${minMb} to ${maxMb} MB.`,
  selfGiftError: 'You cannot give data to yourself.',
  notFoundError: 'No such gift.',
  deliveredSms: (sender: Person, amountMb: number, message: string | null) => `【流量】${from(sender)} 送给你 ${formatMb(amountMb)} 流量，已存入你的钱包。${note(message)}`,
  deliveredWechat: (recipient: Pick<User, 'nickname'>, sender: Person, amountMb: number, message: string | null) =>
    `${recipient.nickname}，${from(sender)} 送给你 ${formatMb(amountMb)} 流量，已存入你的钱包。${note(message)}`,
  pendingSms: (sender: Person, amountMb: number, claimHours: number, message: string | null) =>
    `【流量】${from(sender)} 送给你 ${formatMb(amountMb)} 流量，${claimHours} 小时内用本机号码登录即可领取。${note(message)}`,
  claimedWechat: (sender: Pick<User, 'nickname'>, recipient: Person, amountMb: number) =>
    `${sender.nickname}，你送给 ${recipient.nickname}（${maskPhone(recipient.phone)}）的 ${formatMb(amountMb)} 流量已被领取。`,
};
