import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { WalletEntry } from '@liuliang/shared';
import { navigations } from '../../../test/stubs/taro';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { taroSessionStore } from '../../session/session';
import HomePage from './index';

const wallet = { balanceMb: 1536, lots: [{ amountMb: 1536, expiresAt: '2026-02-28T15:59:59.999Z' }], expiringSoonMb: 200 };

function anEntry(id: string, overrides: Partial<WalletEntry> = {}): WalletEntry {
  return { id, kind: 'deposit', direction: 'in', amountMb: 500, counterparty: { type: 'account', account: 'carrier_plan' }, refType: null, refId: null, memo: null, at: '2025-11-26T04:00:00.000Z', ...overrides };
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
      listWalletEntries: jest
        .fn()
        .mockResolvedValueOnce({ items: [anEntry('e-2')], nextCursor: 'c-1' })
        .mockResolvedValueOnce({ items: [anEntry('e-1', { kind: 'expiry', direction: 'out', amountMb: 40, counterparty: { type: 'account', account: 'expired' } })], nextCursor: null }),
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

  it('signs out: tells the service, forgets the session and goes to sign-in', async () => {
    signIn();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue(wallet),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      logout: jest.fn().mockResolvedValue({ signedOut: true }),
    });
    renderWithServices(<HomePage />, { api });
    await screen.findByTestId('history-empty');
    fireEvent.click(screen.getByTestId('sign-out'));
    expect(api.logout).toHaveBeenCalledTimes(1);
    expect(taroSessionStore.readToken()).toBeNull();
    expect(taroSessionStore.readRefreshToken()).toBeNull();
    expect(navigations).toContainEqual({ kind: 'reLaunch', url: '/pages/login/index' });
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
});
