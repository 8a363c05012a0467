import { fireEvent, screen } from '@testing-library/react';
import type { WalletEntry } from '@liuliang/shared';
import { navigations, setRouterParams } from '../../../test/stubs/taro';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { rememberEntries } from '../../wallet/entry-cache';
import EntryPage from './index';

function anEntry(overrides: Partial<WalletEntry>): WalletEntry {
  return {
    id: 'e-1',
    kind: 'deposit',
    direction: 'in',
    amountMb: 500,
    counterparty: { type: 'account', account: 'carrier_plan' },
    refType: null,
    refId: null,
    memo: null,
    at: '2025-11-26T04:00:00.000Z',
    arrivedExpiry: null,
    ...overrides,
  };
}

describe('记录详情', () => {
  beforeEach(() => signIn());

  it('shows a gift with its status, the recipient, the deadline and the order number', async () => {
    rememberEntries([
      anEntry({
        id: 'e-7',
        kind: 'gift_escrow',
        direction: 'out',
        amountMb: 300,
        counterparty: { type: 'account', account: 'gift' },
        refType: 'gift',
        refId: '41',
        memo: '生日快乐',
      }),
    ]);
    setRouterParams({ id: 'e-7' });
    const api = fakeApi({
      getGift: jest
        .fn()
        .mockResolvedValue({ id: '41', toPhone: '139****0002', amountMb: 300, message: '生日快乐', status: 'pending_claim', claimDeadline: '2025-11-29T04:00:00.000Z' }),
    });
    renderWithServices(<EntryPage />, { api });
    expect(await screen.findByText('送给 139****0002 300 MB：“生日快乐”')).toBeInTheDocument();
    expect(screen.getByTestId('entry-status')).toHaveTextContent('等待领取');
    expect(screen.getByText('11-29 12:00')).toBeInTheDocument();
    expect(screen.getByTestId('entry-order')).toHaveTextContent('e-7');
    expect(screen.getByText('gift-41')).toBeInTheDocument();
  });

  it('shows when a banked batch expires', async () => {
    rememberEntries([anEntry({ id: 'e-8', refType: 'deposit', refId: '5' })]);
    setRouterParams({ id: 'e-8' });
    const api = fakeApi({ getDeposit: jest.fn().mockResolvedValue({ id: '5', amountMb: 500, status: 'completed', expiresAt: '2026-02-28T15:59:59.999Z' }) });
    renderWithServices(<EntryPage />, { api });
    expect(await screen.findByTestId('entry-expiry')).toHaveTextContent('2026-02-28');
    expect(screen.getByTestId('entry-status')).toHaveTextContent('已到账');
  });

  it('shows when the data of a received gift expires', async () => {
    rememberEntries([
      anEntry({
        id: 'e-10',
        kind: 'gift',
        direction: 'in',
        amountMb: 300,
        counterparty: { type: 'user', nickname: '小红', maskedPhone: '139****0002' },
        arrivedExpiry: { earliest: '2026-01-31T15:59:59.999Z', latest: '2026-01-31T15:59:59.999Z' },
      }),
    ]);
    setRouterParams({ id: 'e-10' });
    renderWithServices(<EntryPage />, { api: fakeApi() });
    expect(await screen.findByTestId('entry-expiry')).toHaveTextContent('2026-01-31');
    expect(screen.getByTestId('entry-expiry')).not.toHaveTextContent('分批');
  });

  it('shows the span of expiries of a grabbed share that came in batches, and opens its packet', async () => {
    rememberEntries([
      anEntry({
        id: 'e-11',
        kind: 'red_packet_grab',
        direction: 'in',
        amountMb: 23,
        refType: 'red_packet',
        refId: 'p-4',
        counterparty: { type: 'user', nickname: '小明', maskedPhone: '138****0001' },
        arrivedExpiry: { earliest: '2026-01-31T15:59:59.999Z', latest: '2026-02-28T15:59:59.999Z' },
      }),
    ]);
    setRouterParams({ id: 'e-11' });
    renderWithServices(<EntryPage />, { api: fakeApi() });
    expect(await screen.findByTestId('entry-expiry')).toHaveTextContent('2026-01-31 至 2026-02-28（分批过期）');
    fireEvent.click(screen.getByTestId('entry-open-packet'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/packet/index?id=p-4' });
  });

  it('says no expiry for data that went out', async () => {
    rememberEntries([anEntry({ id: 'e-12', kind: 'gift', direction: 'out', counterparty: { type: 'user', nickname: '小红', maskedPhone: '139****0002' } })]);
    setRouterParams({ id: 'e-12' });
    renderWithServices(<EntryPage />, { api: fakeApi() });
    expect(await screen.findByTestId('entry-detail')).toBeInTheDocument();
    expect(screen.queryByTestId('entry-expiry')).not.toBeInTheDocument();
  });

  it('opens a packet row to the packet, where its grab list and share link are', async () => {
    rememberEntries([
      anEntry({ id: 'e-9', kind: 'red_packet_fund', direction: 'out', refType: 'red_packet', refId: 'p-3', counterparty: { type: 'account', account: 'red_packet' } }),
    ]);
    setRouterParams({ id: 'e-9' });
    renderWithServices(<EntryPage />, { api: fakeApi() });
    fireEvent.click(await screen.findByTestId('entry-open-packet'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/packet/index?id=p-3' });
  });

  it('leads home when the row is not known on this device', () => {
    setRouterParams({ id: 'e-unknown' });
    renderWithServices(<EntryPage />, { api: fakeApi() });
    expect(screen.getByTestId('entry-missing')).toBeInTheDocument();
  });
});
