import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import type { WalletEntry } from '@liuliang/shared';
import { navigations } from '../../../test/stubs/taro';
import { ALICE, FakeLiveSocket, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import HomePage from './index';

const wallet = { balanceMb: 1536, lots: [{ amountMb: 1536, expiresAt: '2026-02-28T15:59:59.999Z' }], expiringSoonMb: 200 };

function anEntry(id: string, overrides: Partial<WalletEntry> = {}): WalletEntry {
  return { id, kind: 'deposit', direction: 'in', amountMb: 500, counterparty: { type: 'account', account: 'carrier_plan' }, refType: null, refId: null, memo: null, at: '2025-11-26T04:00:00.000Z', arrivedExpiry: null, ...overrides };
}

/** History pages for the history's own calls; the message centre's look at the latest rows (a `limit`) sees none. */
function historyPages(history: jest.Mock): jest.Mock {
  return jest.fn((page: { limit?: number }) => (page.limit === undefined ? history(page) : Promise.resolve({ items: [], nextCursor: null })));
}

describe('the home page', () => {
  it('sends a signed-out person to sign in', async () => {
    renderWithServices(<HomePage />, { api: fakeApi() });
    await waitFor(() => expect(navigations).toContainEqual({ kind: 'redirectTo', url: '/pages/login/index?redirect=%2Fpages%2Fhome%2Findex' }));
  });

  it('shows the balance, what expires soon and the history as stories', async () => {
    signIn();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(wallet),
      listWalletEntries: jest.fn().mockResolvedValue({
        items: [anEntry('e-2', { kind: 'red_packet_grab', amountMb: 23, counterparty: { type: 'user', nickname: '张三', maskedPhone: '139****0002' } }), anEntry('e-1')],
        nextCursor: null,
      }),
    });
    renderWithServices(<HomePage />, { api });
    expect(await screen.findByText('1.5 GB')).toHaveAttribute('data-testid', 'balance');
    expect(screen.getByTestId('expiring-soon')).toHaveTextContent('200 MB 即将过期');
    const items = await screen.findAllByTestId('history-item');
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringContaining('抢到 张三 (139****0002) 的红包 23 MB'),
      expect.stringContaining('转存了 500 MB 套餐流量'),
    ]);
    expect(screen.queryByTestId('load-more')).not.toBeInTheDocument();
  });

  it('loads more history by cursor', async () => {
    signIn();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(wallet),
      listWalletEntries: historyPages(
        jest
          .fn()
          .mockResolvedValueOnce({ items: [anEntry('e-2')], nextCursor: 'c-1' })
          .mockResolvedValueOnce({ items: [anEntry('e-1', { kind: 'expiry', direction: 'out', amountMb: 40, counterparty: { type: 'account', account: 'expired' } })], nextCursor: null }),
      ),
    });
    renderWithServices(<HomePage />, { api });
    fireEvent.click(await screen.findByTestId('load-more'));
    await waitFor(() => expect(screen.getAllByTestId('history-item')).toHaveLength(2));
    expect(api.listWalletEntries).toHaveBeenLastCalledWith({ cursor: 'c-1' });
    expect(screen.getAllByTestId('history-item')[1]).toHaveTextContent('40 MB 流量过期了');
    expect(screen.queryByTestId('load-more')).not.toBeInTheDocument();
  });

  it('says so when there is no history yet', async () => {
    signIn();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue({ balanceMb: 0, lots: [], expiringSoonMb: 0 }),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    });
    renderWithServices(<HomePage />, { api });
    expect(await screen.findByTestId('history-empty')).toHaveTextContent('还没有流量记录');
    expect(screen.getByTestId('balance')).toHaveTextContent('0 MB');
  });

  it('opens a history row to its detail, and shows where a gift to an unregistered friend is now', async () => {
    signIn();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(wallet),
      listWalletEntries: jest.fn().mockResolvedValue({
        items: [anEntry('e-9', { kind: 'gift_escrow', direction: 'out', amountMb: 300, counterparty: { type: 'account', account: 'gift' }, refType: 'gift', refId: '77' })],
        nextCursor: null,
      }),
      getGift: jest.fn().mockResolvedValue({ id: '77', toPhone: '139****0002', amountMb: 300, message: null, status: 'delivered', claimDeadline: null }),
    });
    renderWithServices(<HomePage />, { api });
    expect(await screen.findByTestId('gift-status')).toHaveTextContent('已领取');
    // The row names the recipient once the gift is known, in the words of a gift delivered at once.
    expect(screen.getByTestId('history-item')).toHaveTextContent('送给 139****0002 300 MB');
    expect(api.getGift).toHaveBeenCalledWith('77');
    fireEvent.click(screen.getByTestId('history-item'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/entry/index?id=e-9' });
  });

  it('shows the tab bar, and 流量明细 from the earliest lot', async () => {
    signIn();
    const api = fakeApi({ getWallet: jest.fn().mockResolvedValue(wallet), listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }) });
    renderWithServices(<HomePage />, { api });
    fireEvent.click(await screen.findByTestId('go-lots'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/lots/index' });
    fireEvent.click(screen.getByTestId('tab-packets'));
    fireEvent.click(screen.getByTestId('tab-me'));
    expect(navigations).toContainEqual({ kind: 'reLaunch', url: '/pages/packets/index' });
    expect(navigations).toContainEqual({ kind: 'reLaunch', url: '/pages/me/index' });
  });

  it('reloads the balance and history when the service says the wallet changed while the page is open', async () => {
    signIn();
    const socket = new FakeLiveSocket();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(wallet),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    });
    renderWithServices(<HomePage />, { api, connectLive: () => socket });
    expect(await screen.findByText('1.5 GB')).toBeInTheDocument();
    const historyLoads = () => api.listWalletEntries.mock.calls.filter(([page]) => page.limit === undefined).length;
    const noticeLoads = () => api.listWalletEntries.mock.calls.filter(([page]) => page.limit !== undefined).length;
    await waitFor(() => expect([historyLoads(), noticeLoads()]).toEqual([1, 1]));
    api.getWallet.mockResolvedValue({ ...wallet, balanceMb: 2048 });
    act(() => socket.serverSends('walletChanged', { kind: 'gift' }));
    expect(await screen.findByText('2 GB')).toHaveAttribute('data-testid', 'balance');
    // The history and the message centre's lines (the badge on 我的) both load again.
    await waitFor(() => expect([historyLoads(), noticeLoads()]).toEqual([2, 2]));
  });

  it('leads to the family share page, and tells family pool movements as stories', async () => {
    signIn();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(wallet),
      listWalletEntries: jest.fn().mockResolvedValue({
        items: [
          anEntry('e-2', { kind: 'share_group_draw', amountMb: 100, counterparty: { type: 'account', account: 'share_group' } }),
          anEntry('e-1', { kind: 'share_group_fund', direction: 'out', amountMb: 500, counterparty: { type: 'account', account: 'share_group' } }),
        ],
        nextCursor: null,
      }),
    });
    renderWithServices(<HomePage />, { api });
    const items = await screen.findAllByTestId('history-item');
    expect(items.map((item) => item.textContent)).toEqual([expect.stringContaining('从家庭共享领取 100 MB'), expect.stringContaining('存入家庭共享 500 MB')]);
    fireEvent.click(screen.getByTestId('go-family'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/family/index' });
  });

  it('offers the sponsor and operator pages only to someone the service says holds those roles', async () => {
    signIn();
    const answers = { getWallet: jest.fn().mockResolvedValue(wallet), listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }) };
    const plain = fakeApi({ ...answers, getMe: jest.fn().mockResolvedValue({ ...ALICE, roles: { operator: null, sponsors: [] } }) });
    const { unmount } = renderWithServices(<HomePage />, { api: plain });
    await waitFor(() => expect(plain.getMe).toHaveBeenCalled());
    // The roles answer has been applied before the links are looked for.
    await act(() => plain.getMe.mock.results[0]!.value as Promise<unknown>);
    expect(await screen.findByTestId('go-activities')).toBeInTheDocument();
    expect(screen.queryByTestId('go-sponsor')).not.toBeInTheDocument();
    expect(screen.queryByTestId('go-ops')).not.toBeInTheDocument();
    unmount();

    const roles = { operator: 'admin', sponsors: [{ sponsorId: 's-1', name: '星河饮料', role: 'owner' }] };
    const api = fakeApi({ ...answers, getMe: jest.fn().mockResolvedValue({ ...ALICE, roles }) });
    renderWithServices(<HomePage />, { api });
    fireEvent.click(await screen.findByTestId('go-sponsor'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/sponsor/index' });
    fireEvent.click(screen.getByTestId('go-ops'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/ops/index' });
  });

  it('shows the unread lines of 消息 as a badge on 我的, and one more when something arrives while open', async () => {
    signIn();
    const socket = new FakeLiveSocket();
    const refund = anEntry('e-3', { kind: 'gift_refund', amountMb: 50, counterparty: { type: 'account', account: 'gift' } });
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(wallet),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [refund], nextCursor: null }),
      getNoticeReads: jest.fn().mockResolvedValue({ readIds: [] }),
    });
    renderWithServices(<HomePage />, { api, connectLive: () => socket });
    // The expiry warning and the refund.
    expect(await screen.findByTestId('tab-badge-me')).toHaveTextContent('2');
    api.listWalletEntries.mockResolvedValue({ items: [anEntry('e-4', { kind: 'red_packet_refund', amountMb: 12, counterparty: { type: 'account', account: 'red_packet' } }), refund], nextCursor: null });
    act(() => socket.serverSends('walletChanged', { kind: 'red_packet_refund' }));
    await waitFor(() => expect(screen.getByTestId('tab-badge-me')).toHaveTextContent('3'));
  });
});
