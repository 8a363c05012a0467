import { formatMb, maskPhone, type WalletEntry } from '@liuliang/shared';

/**
 * Counterparty words the service uses for "no person" (server `describeCounterparty`: the
 * external accounts and the escrows of gifts and packets): not worth repeating in a sentence.
 */
const GENERIC_COUNTERPARTIES = new Set(['', '红包', '转赠', '套餐流量', '过期', '充值到手机', '赞助商', '兑换', '流量转存', '系统']);
/** An account the service has no words for yet comes as its raw code (`escrow:crowdfund:7`): no person either. */
const RAW_ACCOUNT_CODE = /^(wallet|escrow|ext):/;

function personOf(entry: WalletEntry): string | null {
  const counterparty = entry.counterparty.trim();
  if (GENERIC_COUNTERPARTIES.has(counterparty) || RAW_ACCOUNT_CODE.test(counterparty)) return null;
  return maskPhone(counterparty);
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
    out: (amount) => `送出 ${amount}，等待对方领取`,
  },
  gift_claim: {
    in: (amount, person) => (person ? `领取了 ${person} 送的 ${amount}` : `领取了转赠 ${amount}`),
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
};

function fallbackStory(amount: string, person: string | null, entry: WalletEntry): string {
  if (entry.direction === 'in') return person ? `从 ${person} 收入 ${amount}` : `收入 ${amount}`;
  return person ? `支出给 ${person} ${amount}` : `支出 ${amount}`;
}

/**
 * A history entry as a sentence a person reads: "送给 138****0001 100 MB：“生日快乐”".
 * Kinds this build does not know yet still read as an income or a spending.
 */
export function tellEntry(entry: WalletEntry): string {
  const amount = formatMb(entry.amountMb);
  const person = personOf(entry);
  const teller = STORIES[entry.kind]?.[entry.direction] ?? fallbackStory;
  const story = teller(amount, person, entry);
  const memo = entry.memo?.trim();
  return memo ? `${story}：“${memo}”` : story;
}

/** "+100 MB" for money in, "-100 MB" for money out. */
export function signedAmount(entry: WalletEntry): string {
  return `${entry.direction === 'in' ? '+' : '-'}${formatMb(entry.amountMb)}`;
}
