import { formatMb, type Counterparty, type WalletEntry } from '@liuliang/shared';

/**
 * The person on the other side, as the stories name them: "用户KQXWMB (138****8000)". An
 * account (the carrier plan, a packet's or a gift's escrow) is no person: each kind's story
 * already says what it was, so it is not repeated in the sentence.
 */
function personOf(counterparty: Counterparty): string | null {
  return counterparty.type === 'user' ? `${counterparty.nickname} (${counterparty.maskedPhone})` : null;
}

type StoryTeller = (amount: string, person: string | null, entry: WalletEntry) => string;

/** One sentence per kind of ledger transfer (SPEC §2), told from the wallet owner's side. */
const STORIES: Record<string, { in?: StoryTeller; out?: StoryTeller }> = {
  deposit: {
    in: (amount) => `转存了 ${amount} 套餐流量`,
  },
  gift: {
    out: (amount, person) => (person ? `送给 ${person} ${amount}` : `送出 ${amount}`),
    in: (amount, person) => (person ? `收到 ${person} 送的 ${amount}` : `收到转赠 ${amount}`),
  },
  // A gift to a number not yet registered waits in escrow, so the entry names no person.
  gift_escrow: {
    out: (amount, person) => (person ? `送给 ${person} ${amount}` : `送出 ${amount}`),
  },
  // Claimed later or credited at once, a gift reads the same to its recipient.
  gift_claim: {
    in: (amount, person) => (person ? `收到 ${person} 送的 ${amount}` : `收到转赠 ${amount}`),
    out: (amount, person) => (person ? `${person} 领取了你送的 ${amount}` : `转赠已被领取 ${amount}`),
  },
  gift_refund: {
    in: (amount, person) => (person ? `${person} 未在 72 小时内领取，退回 ${amount}` : `转赠无人领取，退回 ${amount}`),
  },
  red_packet_fund: {
    out: (amount) => `发出红包 ${amount}`,
  },
  red_packet_grab: {
    in: (amount, person) => (person ? `抢到 ${person} 的红包 ${amount}` : `抢到红包 ${amount}`),
    out: (amount, person) => (person ? `${person} 抢了你的红包 ${amount}` : `红包被抢 ${amount}`),
  },
  red_packet_refund: {
    in: (amount) => `红包退回 ${amount}`,
  },
  expiry: {
    out: (amount) => `${amount} 流量过期了`,
  },
  tip: {
    out: (amount, person) => (person ? `打赏 ${person} ${amount}` : `打赏 ${amount}`),
    in: (amount, person) => (person ? `收到 ${person} 的打赏 ${amount}` : `收到打赏 ${amount}`),
  },
  crowdfund_pledge: {
    out: (amount) => `支持众筹 ${amount}`,
  },
  crowdfund_payout: {
    in: (amount) => `众筹达成，收到 ${amount}`,
  },
  crowdfund_refund: {
    in: (amount) => `众筹未达成，退回 ${amount}`,
  },
  share_group_fund: {
    out: (amount) => `存入家庭共享 ${amount}`,
  },
  share_group_draw: {
    in: (amount) => `从家庭共享领取 ${amount}`,
  },
  share_group_reclaim: {
    in: (amount) => `从家庭共享取回 ${amount}`,
  },
  // The memo is the activity's title, so the sentence reads "活动奖励 10 MB：“每日签到”".
  activity_reward: {
    in: (amount) => `活动奖励 ${amount}`,
  },
  // The memo is the batch's title: "卡密兑换 100 MB：“新春卡密”".
  coupon_redeem: {
    in: (amount) => `卡密兑换 ${amount}`,
  },
};

function fallbackStory(amount: string, person: string | null, entry: WalletEntry): string {
  if (entry.direction === 'in') return person ? `从 ${person} 收入 ${amount}` : `收入 ${amount}`;
  return person ? `支出给 ${person} ${amount}` : `支出 ${amount}`;
}

/**
 * A history entry as a sentence a person reads: "送给 138****0001 100 MB：“生日快乐”".
 * Kinds this build does not know yet still read as an income or a spending.
 */
export function tellEntry(entry: WalletEntry, giftRecipient?: string): string {
  const amount = formatMb(entry.amountMb);
  // A gift that waited for its recipient names them once its gift is known: "送给 139****0002 300 MB".
  const person = entry.kind === 'gift_escrow' && giftRecipient ? giftRecipient : personOf(entry.counterparty);
  const teller = STORIES[entry.kind]?.[entry.direction] ?? fallbackStory;
  const story = teller(amount, person, entry);
  const memo = entry.memo?.trim();
  return memo ? `${story}：“${memo}”` : story;
}

/** "+100 MB" for money in, "-100 MB" for money out. */
export function signedAmount(entry: WalletEntry): string {
  return `${entry.direction === 'in' ? '+' : '-'}${formatMb(entry.amountMb)}`;
}
