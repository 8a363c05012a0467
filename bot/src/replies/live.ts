import { formatMb, type FinishedEvent } from '@liuliang/shared';
import type { Lang } from '../commands/command';
import type { GrabSummary } from '../live/pacer';
import { pick } from './format';

/** "小红 抢到 23 MB，小明 抢到 5 MB 等 3 人，还剩 5 个" */
export function grabSummaryText(summary: GrabSummary, lang: Lang): string {
  const named = summary.named.map((grab) =>
    pick(lang, `${grab.nickname} 抢到 ${formatMb(grab.amountMb)}`, `${grab.nickname} got ${formatMb(grab.amountMb)}`),
  );
  const people = named.join(pick(lang, '，', ', '));
  const more = summary.unnamedCount === 0 ? '' : pick(lang, ` 等 ${summary.named.length + summary.unnamedCount} 人`, ` and ${summary.unnamedCount} more`);
  const left =
    summary.remainingCount === null
      ? ''
      : summary.remainingCount === 0
        ? pick(lang, '，已抢完', '; all gone')
        : pick(lang, `，还剩 ${summary.remainingCount} 个`, `; ${summary.remainingCount} left`);
  return `${people}${more}${left}`;
}

export interface PacketFacts {
  senderNickname: string;
  count: number;
  totalMb: number;
}

/** The last word on a packet whose shares are all taken, naming the luckiest grabber (手气最佳). */
export function packetFinishedText(packet: PacketFacts, luckiest: FinishedEvent['luckiest'], lang: Lang): string {
  const head = pick(
    lang,
    `🧧 ${packet.senderNickname} 的红包已被抢完（${packet.count} 个，共 ${formatMb(packet.totalMb)}）`,
    `🧧 ${packet.senderNickname}'s red packet is all gone (${packet.count} shares, ${formatMb(packet.totalMb)})`,
  );
  if (luckiest === null) return head;
  return `${head}\n${pick(lang, `手气最佳：${luckiest.nickname}，${formatMb(luckiest.amountMb)}`, `Luckiest: ${luckiest.nickname}, ${formatMb(luckiest.amountMb)}`)}`;
}

export function packetExpiredText(packet: PacketFacts, refundedMb: number, lang: Lang): string {
  if (refundedMb <= 0) {
    return pick(lang, `🧧 ${packet.senderNickname} 的红包已过期。`, `🧧 ${packet.senderNickname}'s red packet has expired.`);
  }
  return pick(
    lang,
    `🧧 ${packet.senderNickname} 的红包已过期，没抢完的 ${formatMb(refundedMb)} 已退回。`,
    `🧧 ${packet.senderNickname}'s red packet has expired; the ${formatMb(refundedMb)} left went back to them.`,
  );
}
