import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { anActivity } from '../../../test/activities';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { navigations, setRouterParams } from '../../../test/stubs/taro';
import ActivitiesPage from './index';

describe('the activity centre', () => {
  beforeEach(() => signIn());

  it('lists the eligible activities with progress and checks in once, showing the reward and streak', async () => {
    const api = fakeApi({
      listActivities: jest.fn().mockResolvedValue({ items: [anActivity({ progress: { rewardedMb: 20, rewards: 2, checkedInToday: false, streak: 2 } })], nextCursor: null }),
      checkIn: jest.fn().mockResolvedValue({ amountMb: 10, streak: 3 }),
    });
    renderWithServices(<ActivitiesPage />, { api });
    expect(await screen.findByTestId('activity-progress')).toHaveTextContent('已领 20 MB，连续签到 2 天');
    fireEvent.click(screen.getByTestId('checkin-button'));
    expect(await screen.findByTestId('checkin-result')).toHaveTextContent('签到成功，获得 10 MB，已连续签到 3 天');
    expect(api.checkIn).toHaveBeenCalledWith('a-1', expect.any(String));
    expect(screen.getByTestId('activity-progress')).toHaveTextContent('已领 30 MB，连续签到 3 天');
    expect(screen.getByTestId('checkin-button')).toHaveTextContent('今天已签到');
    expect(screen.getByTestId('checkin-button')).toBeDisabled();
  });

  it('shows a checked-in day as done, and says so when there is nothing to join', async () => {
    const api = fakeApi({
      listActivities: jest.fn().mockResolvedValue({ items: [anActivity({ progress: { rewardedMb: 10, rewards: 1, checkedInToday: true, streak: 1 } })], nextCursor: null }),
    });
    renderWithServices(<ActivitiesPage />, { api });
    expect(await screen.findByTestId('checkin-button')).toBeDisabled();
    const empty = fakeApi({ listActivities: jest.fn().mockResolvedValue({ items: [], nextCursor: null }) });
    renderWithServices(<ActivitiesPage />, { api: empty });
    expect(await screen.findByTestId('no-activities')).toBeInTheDocument();
  });

  it.each([
    ['ALREADY_CHECKED_IN', 409, '今天已经签到过了'],
    ['BUDGET_EXHAUSTED', 409, '活动奖励已经发完了'],
    ['ACTIVITY_PAUSED', 409, '活动暂停中'],
  ])('words a %s refusal in Chinese', async (code, status, words) => {
    const api = fakeApi({
      listActivities: jest.fn().mockResolvedValue({ items: [anActivity({ progress: { rewardedMb: 0, rewards: 0, checkedInToday: false, streak: 0 } })], nextCursor: null }),
      checkIn: jest.fn().mockRejectedValue(new ApiError(code, status, 'refused')),
    });
    renderWithServices(<ActivitiesPage />, { api });
    fireEvent.click(await screen.findByTestId('checkin-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent(words));
  });

  it('shows the invite link a new friend signs up with, and the share link with the helpers it needs', async () => {
    const api = fakeApi({
      listActivities: jest.fn().mockResolvedValue({
        items: [anActivity({ id: 'a-inv', type: 'invite' }), anActivity({ id: 'a-share', type: 'share', helpersNeeded: 5 })],
        nextCursor: null,
      }),
      inviteCode: jest.fn().mockResolvedValue({ code: 'invitecode1' }),
      shareActivity: jest.fn().mockResolvedValue({ code: 'sharecode1', link: '/#/pages/activities/index?share=sharecode1' }),
    });
    renderWithServices(<ActivitiesPage />, { api });
    fireEvent.click(await screen.findByTestId('invite-button'));
    expect(await screen.findByTestId('invite-link')).toHaveTextContent('/pages/login/index?invite=invitecode1');
    expect(screen.getByTestId('share-button')).toHaveTextContent('找 5 位好友助力');
    fireEvent.click(screen.getByTestId('share-button'));
    expect(await screen.findByTestId('share-link')).toHaveTextContent('/pages/activities/index?share=sharecode1');
    expect(screen.queryByTestId('checkin-button')).not.toBeInTheDocument();
  });

  it('helps a friend’s share opened from its link, with one key per help', async () => {
    setRouterParams({ share: 'sharecode1' });
    const api = fakeApi({
      listActivities: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      helpShare: jest.fn().mockResolvedValue({ helpers: 3, helpersNeeded: 5 }),
    });
    renderWithServices(<ActivitiesPage />, { api });
    fireEvent.click(await screen.findByTestId('help-button'));
    expect(await screen.findByTestId('help-result')).toHaveTextContent('已助力！目前 3/5 位好友');
    expect(api.helpShare).toHaveBeenCalledWith('sharecode1', expect.stringMatching(/^[0-9a-f]{32}$/));
  });

  describe('a 红包雨', () => {
    const rain = {
      times: ['2026-03-10T04:00:00.000Z', '2026-03-10T12:00:00.000Z', '2026-03-11T04:00:00.000Z'],
      roomIds: [],
      count: 10,
      totalMb: 200,
      drops: [
        { at: '2026-03-10T04:00:00.000Z', status: 'dropped' as const },
        { at: '2026-03-10T12:00:00.000Z', status: 'skipped' as const },
        { at: '2026-03-11T04:00:00.000Z', status: 'scheduled' as const },
      ],
      openPackets: [
        { id: 'p-open', count: 10, totalMb: 200, remainingCount: 7, expiresAt: '2026-03-11T04:00:00.000Z', grabbed: false },
        { id: 'p-held', count: 10, totalMb: 200, remainingCount: 2, expiresAt: '2026-03-11T04:00:00.000Z', grabbed: true },
      ],
    };
    const rainActivity = () =>
      anActivity({ id: 'a-rain', type: 'red_packet_rain', title: '整点红包雨', rain, progress: { rewardedMb: 0, rewards: 0, checkedInToday: false, streak: 0 } });

    it('shows when it rains in Shanghai time and grabs an open packet through the packet route, once per tap', async () => {
      const api = fakeApi({
        listActivities: jest.fn().mockResolvedValue({ items: [rainActivity()], nextCursor: null }),
        grabRedPacket: jest.fn().mockResolvedValue({ amountMb: 23, rank: 4 }),
      });
      renderWithServices(<ActivitiesPage />, { api });
      const times = await screen.findByTestId('rain-times');
      expect(times).toHaveTextContent('03-10 12:00 已开抢');
      expect(times).toHaveTextContent('03-10 20:00 已取消');
      expect(times).toHaveTextContent('03-11 12:00 待开始');
      expect(screen.getByTestId('rain-panel')).toHaveTextContent('每场 10 个红包，共 200 MB');
      expect(screen.queryByTestId('checkin-button')).not.toBeInTheDocument();
      expect(screen.queryByTestId('activity-progress')).not.toBeInTheDocument();
      expect(screen.getByTestId('rain-packet-p-open')).toHaveTextContent('剩 7/10 个');

      fireEvent.click(screen.getByTestId('rain-grab'));
      expect(await screen.findByTestId('rain-grab-result')).toHaveTextContent('抢到 23 MB，已存入钱包');
      expect(api.grabRedPacket).toHaveBeenCalledTimes(1);
      expect(api.grabRedPacket).toHaveBeenCalledWith('p-open', {}, expect.stringMatching(/^[0-9a-f]{32}$/));
      // Grabbed: no second 抢, the packet's own page instead (who grabbed, live).
      expect(screen.queryByTestId('rain-grab')).not.toBeInTheDocument();
      fireEvent.click(screen.getAllByTestId('rain-packet-open')[0]);
      expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/packet/index?id=p-open' });
    });

    it('words a packet that sold out meanwhile, and says when nothing is open', async () => {
      const api = fakeApi({
        listActivities: jest.fn().mockResolvedValue({ items: [rainActivity()], nextCursor: null }),
        grabRedPacket: jest.fn().mockRejectedValue(new ApiError('SOLD_OUT', 409, 'refused')),
      });
      renderWithServices(<ActivitiesPage />, { api });
      fireEvent.click(await screen.findByTestId('rain-grab'));
      await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent('红包已被抢完'));
      const dry = fakeApi({
        listActivities: jest.fn().mockResolvedValue({ items: [anActivity({ id: 'a-dry', type: 'red_packet_rain', rain: { ...rain, openPackets: [] } })], nextCursor: null }),
      });
      renderWithServices(<ActivitiesPage />, { api: dry });
      expect(await screen.findByTestId('rain-none-open')).toHaveTextContent('现在没有可以抢的红包');
    });
  });
});
