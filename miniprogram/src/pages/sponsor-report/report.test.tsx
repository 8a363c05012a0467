import { fireEvent, screen } from '@testing-library/react';
import { setRouterParams } from '../../../test/stubs/taro';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import SponsorReportPage from './index';

describe('the activity report page', () => {
  beforeEach(() => signIn());

  it('shows spent and remaining that add up to the budget, and a bar per day scaled to the busiest', async () => {
    setRouterParams({ sid: 's-1', aid: 'a-1' });
    const api = fakeApi({
      listActivityRewards: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      getActivityReport: jest.fn().mockResolvedValue({
        budgetMb: 1000,
        spentMb: 60,
        remainingMb: 940,
        escrowMb: 0,
        returnedMb: 940,
        participants: 4,
        rewards: 6,
        messages: { sent: 6, delivered: 5, failed: 1, optedOut: 0 },
        byDay: [
          { date: '2026-03-10', spentMb: 40, participants: 4 },
          { date: '2026-03-11', spentMb: 20, participants: 2 },
        ],
      }),
    });
    renderWithServices(<SponsorReportPage />, { api });
    expect(await screen.findByTestId('report-spent')).toHaveTextContent('已发放 60 MB（6 次，4 人）');
    expect(screen.getByTestId('report-remaining')).toHaveTextContent('剩余 940 MB（已退回预算 940 MB）');
    expect(api.getActivityReport).toHaveBeenCalledWith('s-1', 'a-1');
    const bars = screen.getAllByTestId('spend-bar');
    expect(bars).toHaveLength(2);
    expect((bars[0].querySelector(':scope > div > div') as HTMLElement).style.width).toBe('100%');
    expect((bars[1].querySelector(':scope > div > div') as HTMLElement).style.width).toBe('50%');
  });

  it('lists the rewards a page at a time, with masked phones', async () => {
    setRouterParams({ sid: 's-1', aid: 'a-1' });
    const line = (id: string, streak: number) => ({
      id,
      at: '2026-03-10T02:00:00.000Z',
      nickname: '小明',
      phone: '139****0001',
      amountMb: 10,
      reason: 'checkin',
      day: '2026-03-10',
      streak,
    });
    const api = fakeApi({
      getActivityReport: jest.fn().mockRejectedValue(new Error('not this test')),
      listActivityRewards: jest
        .fn()
        .mockResolvedValueOnce({ items: [line('9', 3)], nextCursor: 'c-9' })
        .mockResolvedValueOnce({ items: [line('8', 1)], nextCursor: null }),
    });
    renderWithServices(<SponsorReportPage />, { api });
    expect(await screen.findByTestId('reward-line-9')).toHaveTextContent('小明（139****0001）签到 · 连续 3 天');
    fireEvent.click(screen.getByTestId('more-rewards-button'));
    expect(await screen.findByTestId('reward-line-8')).toHaveTextContent('10 MB');
    expect(api.listActivityRewards).toHaveBeenLastCalledWith('s-1', 'a-1', 'c-9');
    expect(screen.queryByTestId('more-rewards-button')).toBeNull();
  });
});
