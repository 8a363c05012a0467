import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { RedPacketRecord } from '@liuliang/shared';
import { navigations } from '../../../test/stubs/taro';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import PacketsPage from './index';

function aRecord(overrides: Partial<RedPacketRecord> = {}): RedPacketRecord {
  return {
    id: 'p-1',
    mode: 'random',
    status: 'finished',
    senderNickname: '李四',
    greeting: '周末快乐',
    count: 3,
    totalMb: 300,
    remainingCount: 0,
    myAmountMb: 120,
    luckiest: true,
    at: '2025-11-26T04:00:00.000Z',
    ...overrides,
  };
}

/** The page's own pages of records; the message centre's look at sent packets (no cursor) for the 我的 badge sees none. */
function recordPages(pages: jest.Mock): jest.Mock {
  return jest.fn((role: string, cursor?: string | null) =>
    cursor === undefined ? Promise.resolve({ items: [], nextCursor: null, summary: { count: 0, totalMb: 0, luckiestCount: 0 } }) : pages(role, cursor),
  );
}

describe('红包 (红包记录)', () => {
  beforeEach(() => signIn());

  it('lists received shares with totals and times 手气最佳, then sent packets that open to reshare', async () => {
    const api = fakeApi({
      listRedPacketRecords: recordPages(
        jest
          .fn()
          .mockResolvedValueOnce({ items: [aRecord()], nextCursor: null, summary: { count: 4, totalMb: 500, luckiestCount: 2 } })
          .mockResolvedValueOnce({
            items: [aRecord({ id: 'p-9', senderNickname: '张三', myAmountMb: null, luckiest: false, status: 'open', remainingCount: 1 })],
            nextCursor: null,
            summary: { count: 1, totalMb: 300, luckiestCount: 0 },
          }),
      ),
    });
    renderWithServices(<PacketsPage />, { api });
    const received = await screen.findByTestId('packet-record');
    expect(received).toHaveTextContent('李四 的拼手气红包');
    expect(received).toHaveTextContent('手气最佳');
    expect(received).toHaveTextContent('120 MB');
    expect(screen.getByTestId('records-summary')).toHaveTextContent('4');
    expect(screen.getByTestId('records-summary')).toHaveTextContent('500 MB');
    expect(screen.getByTestId('records-summary')).toHaveTextContent('2手气最佳（次）');
    expect(api.listRedPacketRecords).toHaveBeenLastCalledWith('received', null);

    fireEvent.click(screen.getByTestId('records-sent'));
    await waitFor(() => expect(screen.getByTestId('packet-record')).toHaveTextContent('拼手气红包「周末快乐」'));
    expect(screen.getByTestId('packet-record')).toHaveTextContent('领取中 · 2/3 个');
    expect(screen.getByTestId('records-summary')).not.toHaveTextContent('手气最佳');
    fireEvent.click(screen.getByTestId('packet-record'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/packet/index?id=p-9' });
  });

  it('says so when there are none, and loads more by cursor', async () => {
    const api = fakeApi({
      listRedPacketRecords: recordPages(
        jest
          .fn()
          .mockResolvedValueOnce({ items: [aRecord()], nextCursor: 'c-1', summary: { count: 2, totalMb: 240, luckiestCount: 0 } })
          .mockResolvedValueOnce({ items: [aRecord({ id: 'p-2' })], nextCursor: null, summary: { count: 2, totalMb: 240, luckiestCount: 0 } })
          .mockResolvedValueOnce({ items: [], nextCursor: null, summary: { count: 0, totalMb: 0, luckiestCount: 0 } }),
      ),
    });
    renderWithServices(<PacketsPage />, { api });
    fireEvent.click(await screen.findByTestId('records-more'));
    await waitFor(() => expect(screen.getAllByTestId('packet-record')).toHaveLength(2));
    expect(api.listRedPacketRecords).toHaveBeenLastCalledWith('received', 'c-1');
    fireEvent.click(screen.getByTestId('records-sent'));
    expect(await screen.findByTestId('records-empty')).toHaveTextContent('还没有发过红包');
  });

  it('shows the unread lines of 消息 on the 我的 tab', async () => {
    const api = fakeApi({
      listRedPacketRecords: recordPages(jest.fn().mockResolvedValue({ items: [], nextCursor: null, summary: { count: 0, totalMb: 0, luckiestCount: 0 } })),
      getWallet: jest.fn().mockResolvedValue({ balanceMb: 500, lots: [{ amountMb: 200, expiresAt: '2025-11-30T15:59:59.999Z' }], expiringSoonMb: 200 }),
      listWalletEntries: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    });
    renderWithServices(<PacketsPage />, { api });
    expect(await screen.findByTestId('tab-badge-me')).toHaveTextContent('1');
  });
});
