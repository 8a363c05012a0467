import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { WalletEntry } from '@liuliang/shared';
import { navigations } from '../../../test/stubs/taro';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import MessagesPage from './index';

function anEntry(id: string, overrides: Partial<WalletEntry>): WalletEntry {
  return {
    id,
    kind: 'deposit',
    direction: 'in',
    amountMb: 100,
    counterparty: { type: 'account', account: 'gift' },
    refType: null,
    refId: null,
    memo: null,
    at: '2025-11-26T04:00:00.000Z',
    ...overrides,
  };
}

describe('消息', () => {
  beforeEach(() => signIn());

  it('lists data about to expire with 转赠 / 发红包 at hand, a claimed gift, refunds and a grab', async () => {
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue({ balanceMb: 500, lots: [{ amountMb: 200, expiresAt: '2025-11-30T15:59:59.999Z' }], expiringSoonMb: 200 }),
      listWalletEntries: jest.fn().mockResolvedValue({
        items: [
          anEntry('e-4', { kind: 'gift_escrow', direction: 'out', refType: 'gift', refId: '9', amountMb: 300 }),
          anEntry('e-3', { kind: 'gift_refund', amountMb: 50 }),
          anEntry('e-2', { kind: 'red_packet_refund', amountMb: 12, counterparty: { type: 'account', account: 'red_packet' } }),
          anEntry('e-1', { kind: 'red_packet_grab', amountMb: 23, counterparty: { type: 'user', nickname: '小明', maskedPhone: '138****0001' } }),
        ],
        nextCursor: null,
      }),
      getGift: jest.fn().mockResolvedValue({ id: '9', toPhone: '139****0002', amountMb: 300, message: null, status: 'delivered', claimDeadline: null }),
    });
    renderWithServices(<MessagesPage />, { api });
    await waitFor(() => expect(screen.getAllByTestId('notice')).toHaveLength(5));
    const texts = screen.getAllByTestId('notice').map((notice) => notice.textContent);
    expect(texts[0]).toContain('200 MB 流量即将过期，最早一批 2025-11-30 过期');
    expect(texts[1]).toContain('你送出的 300 MB 已被领取');
    expect(texts[2]).toContain('转赠 72 小时内无人领取，50 MB 已退回你的钱包');
    expect(texts[3]).toContain('红包过期，未领取的 12 MB 已退回你的钱包');
    expect(texts[4]).toContain('你抢到了 小明 的红包 23 MB');
    fireEvent.click(screen.getByTestId('notice-packet'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/send-packet/index' });
  });

  it('says when there is nothing', async () => {
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue({ balanceMb: 0, lots: [], expiringSoonMb: 0 }),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    });
    renderWithServices(<MessagesPage />, { api });
    expect(await screen.findByTestId('notices-empty')).toBeInTheDocument();
  });
});
