import type { WalletEntry } from '@liuliang/shared';
import { signedAmount, tellEntry } from './story';

function entry(kind: string, direction: 'in' | 'out', amountMb: number, counterparty: string, memo: string | null = null): WalletEntry {
  return { id: `${kind}-${direction}`, kind, direction, amountMb, counterparty, refType: null, refId: null, memo, at: '2025-11-26T04:00:00.000Z' };
}

describe('tellEntry', () => {
  it.each([
    ['转存了 500 MB 套餐流量', entry('deposit', 'in', 500, '流量转存')],
    ['送给 138****0001 100 MB', entry('gift', 'out', 100, '13800000001')],
    ['送给 138****0001 100 MB：“生日快乐”', entry('gift', 'out', 100, '13800000001', '生日快乐')],
    ['收到 139****0002 送的 2 GB', entry('gift', 'in', 2048, '13900000002')],
    ['领取了 138****0001 送的 100 MB', entry('gift_claim', 'in', 100, '13800000001')],
    // The words the real service answers for accounts that are not a person (server describeCounterparty).
    ['转存了 800 MB 套餐流量', entry('deposit', 'in', 800, '套餐流量')],
    ['送给 用户0002 (139****0002) 100 MB', entry('gift', 'out', 100, '用户0002 (139****0002)')],
    ['送出 100 MB，等待对方领取：“生日快乐”', entry('gift_escrow', 'out', 100, '转赠', '生日快乐')],
    ['领取了转赠 100 MB', entry('gift_claim', 'in', 100, '转赠')],
    ['转赠无人领取，退回 100 MB', entry('gift_refund', 'in', 100, '转赠')],
    ['支出 30 MB', entry('cash_out', 'out', 30, 'escrow:cash_out:7')],
    ['138****0001 未在 72 小时内领取，退回 100 MB', entry('gift_refund', 'in', 100, '13800000001')],
    ['发出红包 1.5 GB', entry('red_packet_fund', 'out', 1536, '红包')],
    ['抢到 张三 的红包 23 MB', entry('red_packet_grab', 'in', 23, '张三')],
    ['抢到红包 23 MB', entry('red_packet_grab', 'in', 23, '红包')],
    ['红包退回 12 MB', entry('red_packet_refund', 'in', 12, '红包')],
    ['40 MB 流量过期了', entry('expiry', 'out', 40, '')],
    ['支出 30 MB', entry('cashout', 'out', 30, '')],
    ['从 王五 收入 10 MB', entry('tip', 'in', 10, '王五')],
  ])('tells "%s"', (story, walletEntry) => {
    expect(tellEntry(walletEntry)).toBe(story);
  });
});

describe('signedAmount', () => {
  it('marks income with + and spending with -', () => {
    expect(signedAmount(entry('deposit', 'in', 1024, ''))).toBe('+1 GB');
    expect(signedAmount(entry('gift', 'out', 100, ''))).toBe('-100 MB');
  });
});
