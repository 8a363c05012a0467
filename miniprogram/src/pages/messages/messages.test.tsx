import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { WalletEntry } from '@liuliang/shared';
import { navigations } from '../../../test/stubs/taro';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { ApiError } from '../../api/errors';
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
    arrivedExpiry: null,
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

  const expiringWallet = { balanceMb: 500, lots: [{ amountMb: 200, expiresAt: '2025-11-30T15:59:59.999Z' }], expiringSoonMb: 200 };
  const twoLines = () =>
    jest.fn().mockResolvedValue({
      items: [
        anEntry('e-2', { kind: 'red_packet_refund', amountMb: 12, counterparty: { type: 'account', account: 'red_packet' } }),
        anEntry('e-1', { kind: 'red_packet_grab', amountMb: 23, counterparty: { type: 'user', nickname: '小明', maskedPhone: '138****0001' } }),
      ],
      nextCursor: null,
    });

  it('marks what was read at the service, shows the rest as unread, and opens a line to its detail, marking it read', async () => {
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(expiringWallet),
      listWalletEntries: twoLines(),
      getNoticeReads: jest.fn().mockResolvedValue({ readIds: ['e-1'] }),
      markNoticesRead: jest.fn().mockResolvedValue({ readIds: ['e-1', 'e-2'] }),
    });
    renderWithServices(<MessagesPage />, { api });
    await waitFor(() => expect(screen.getAllByTestId('notice')).toHaveLength(3));
    await waitFor(() => expect(screen.getByTestId('unread-count')).toHaveTextContent('2 条未读'));
    expect(screen.getAllByTestId('notice').map((notice) => notice.getAttribute('data-read'))).toEqual(['no', 'no', 'yes']);
    expect(screen.getAllByTestId('notice')[0]).toHaveClass('notice-unread');

    fireEvent.click(screen.getAllByTestId('notice')[1]);
    expect(api.markNoticesRead).toHaveBeenCalledWith(['e-2']);
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/entry/index?id=e-2' });
    await waitFor(() => expect(screen.getByTestId('unread-count')).toHaveTextContent('1 条未读'));
    // A line already read is not marked again.
    fireEvent.click(screen.getAllByTestId('notice')[2]);
    expect(api.markNoticesRead).toHaveBeenCalledTimes(1);
  });

  it('marks every line shown read with 全部已读, the expiry warning by its date', async () => {
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(expiringWallet),
      listWalletEntries: twoLines(),
      markNoticesRead: jest.fn().mockResolvedValue({ readIds: ['expiring-2025-11-30', 'e-2', 'e-1'] }),
    });
    renderWithServices(<MessagesPage />, { api });
    fireEvent.click(await screen.findByTestId('mark-all-read'));
    expect(api.markNoticesRead).toHaveBeenCalledWith(['expiring-2025-11-30', 'e-2', 'e-1']);
    await waitFor(() => expect(screen.queryByTestId('mark-all-read')).not.toBeInTheDocument());
    expect(screen.getAllByTestId('notice').map((notice) => notice.getAttribute('data-read'))).toEqual(['yes', 'yes', 'yes']);
  });

  it('marks the expiry warning read when one of its shortcuts is taken, once', async () => {
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(expiringWallet),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      markNoticesRead: jest.fn().mockResolvedValue({ readIds: ['expiring-2025-11-30'] }),
    });
    renderWithServices(<MessagesPage />, { api });
    fireEvent.click(await screen.findByTestId('notice-gift'));
    expect(navigations).toEqual([{ kind: 'navigateTo', url: '/pages/gift/index' }]);
    expect(api.markNoticesRead).toHaveBeenCalledTimes(1);
    expect(api.markNoticesRead).toHaveBeenCalledWith(['expiring-2025-11-30']);
  });

  it('tells a sent packet that was grabbed to the end, and opens it', async () => {
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue({ balanceMb: 0, lots: [], expiringSoonMb: 0 }),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      listRedPacketRecords: jest.fn().mockResolvedValue({
        items: [
          {
            id: 'p9',
            mode: 'random',
            status: 'finished',
            senderNickname: '张三',
            greeting: '周末快乐',
            count: 3,
            totalMb: 300,
            remainingCount: 0,
            myAmountMb: null,
            luckiest: false,
            at: '2025-11-26T05:00:00.000Z',
          },
          {
            id: 'p8',
            mode: 'equal',
            status: 'open',
            senderNickname: '张三',
            greeting: null,
            count: 2,
            totalMb: 20,
            remainingCount: 1,
            myAmountMb: null,
            luckiest: false,
            at: '2025-11-26T03:00:00.000Z',
          },
        ],
        nextCursor: null,
        summary: { count: 2, totalMb: 320, luckiestCount: 0 },
      }),
      markNoticesRead: jest.fn().mockResolvedValue({ readIds: ['packet-finished-p9'] }),
    });
    renderWithServices(<MessagesPage />, { api });
    expect(api.listRedPacketRecords).toHaveBeenCalledWith('sent');
    const [line] = await screen.findAllByTestId('notice');
    expect(screen.getAllByTestId('notice')).toHaveLength(1);
    expect(line).toHaveTextContent('你的红包「周末快乐」已被抢完：3 个，共 300 MB');
    fireEvent.click(line);
    expect(api.markNoticesRead).toHaveBeenCalledWith(['packet-finished-p9']);
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/packet/index?id=p9' });
  });

  it('says when marking read failed, and leaves the lines unread', async () => {
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(expiringWallet),
      listWalletEntries: twoLines(),
      markNoticesRead: jest.fn().mockRejectedValue(new ApiError('INTERNAL', 500, 'boom')),
    });
    renderWithServices(<MessagesPage />, { api });
    fireEvent.click(await screen.findByTestId('mark-all-read'));
    expect(await screen.findByTestId('error-message')).toHaveTextContent(/./);
    expect(screen.getByTestId('unread-count')).toHaveTextContent('3 条未读');
    expect(screen.getAllByTestId('notice').map((notice) => notice.getAttribute('data-read'))).toEqual(['no', 'no', 'no']);
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
