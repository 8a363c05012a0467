import { formatMb, type TipTargetType } from '@liuliang/shared';

/** What a tipped person reads (the SMS adds the signature): who, how much, for what, and the message. */
export function tipReceivedText(tipper: { nickname: string }, amountMb: number, target: { type: TipTargetType; title: string | null }, message: string | null): string {
  const what = target.type === 'red_packet' ? '为你的红包' : target.type === 'crowdfund' ? `为你的众筹「${target.title ?? ''}」` : '';
  return `${tipper.nickname} ${what}打赏了你 ${formatMb(amountMb)} 流量，已存入你的钱包。${message ? `留言：${message}` : ''}`;
}
