import type { Counterparty, CounterpartyAccount, WalletEntry } from '@liuliang/shared';
import { signedAmount, tellEntry } from './story';

function entry(kind: string, direction: 'in' | 'out', amountMb: number, counterparty: Counterparty, memo: string | null = null): WalletEntry {
  return { id: `${kind}-${direction}`, kind, direction, amountMb, counterparty, refType: null, refId: null, memo, at: '2025-11-26T04:00:00.000Z', arrivedExpiry: null };
}
const user = (nickname: string, maskedPhone: string): Counterparty => ({ type: 'user', nickname, maskedPhone });
const account = (name: CounterpartyAccount): Counterparty => ({ type: 'account', account: name });
const alice = user('用户KQXWMB', '138****0001');
const bob = user('用户ABCDEF', '139****0002');

describe('tellEntry', () => {
  it.each([
    ['转存了 500 MB 套餐流量', entry('deposit', 'in', 500, account('carrier_plan'))],
    ['送给 用户KQXWMB (138****0001) 100 MB', entry('gift', 'out', 100, alice)],
    ['送给 用户KQXWMB (138****0001) 100 MB：“生日快乐”', entry('gift', 'out', 100, alice, '生日快乐')],
    ['收到 用户ABCDEF (139****0002) 送的 2 GB', entry('gift', 'in', 2048, bob)],
    ['收到 用户KQXWMB (138****0001) 送的 100 MB', entry('gift_claim', 'in', 100, alice)],
    // Where the gift is now (等待领取 → 已领取 / 已退回) is a badge beside the story, read from the gift.
    ['送出 100 MB：“生日快乐”', entry('gift_escrow', 'out', 100, account('gift'), '生日快乐')],
    ['收到转赠 100 MB', entry('gift_claim', 'in', 100, account('gift'))],
    ['转赠无人领取，退回 100 MB', entry('gift_refund', 'in', 100, account('gift'))],
    ['用户KQXWMB (138****0001) 未在 72 小时内领取，退回 100 MB', entry('gift_refund', 'in', 100, alice)],
    ['支出 30 MB', entry('cash_out', 'out', 30, account('cash_out'))],
    ['发出红包 1.5 GB', entry('red_packet_fund', 'out', 1536, account('red_packet'))],
    ['抢到 用户ABCDEF (139****0002) 的红包 23 MB', entry('red_packet_grab', 'in', 23, bob)],
    // The sender's own share comes from the packet, not from a person.
    ['抢到红包 23 MB', entry('red_packet_grab', 'in', 23, account('red_packet'))],
    ['红包退回 12 MB', entry('red_packet_refund', 'in', 12, account('red_packet'))],
    ['40 MB 流量过期了', entry('expiry', 'out', 40, account('expired'))],
    // Kinds this build does not know yet still read as an income or a spending.
    ['支出 30 MB', entry('cashout', 'out', 30, account('recharged'))],
    ['从 用户ABCDEF (139****0002) 收入 10 MB', entry('a_kind_from_a_newer_service', 'in', 10, bob)],
    ['收到 用户ABCDEF (139****0002) 的打赏 10 MB', entry('tip', 'in', 10, bob)],
    ['支持众筹 100 MB', entry('crowdfund_pledge', 'out', 100, account('crowdfund'))],
    ['众筹达成，收到 1 GB', entry('crowdfund_payout', 'in', 1024, account('crowdfund'))],
    ['众筹未达成，退回 100 MB', entry('crowdfund_refund', 'in', 100, account('crowdfund'))],
  ])('tells "%s"', (story, walletEntry) => {
    expect(tellEntry(walletEntry)).toBe(story);
  });
});

describe('signedAmount', () => {
  it('marks income with + and spending with -', () => {
    expect(signedAmount(entry('deposit', 'in', 1024, account('carrier_plan')))).toBe('+1 GB');
    expect(signedAmount(entry('gift', 'out', 100, alice))).toBe('-100 MB');
  });
});
