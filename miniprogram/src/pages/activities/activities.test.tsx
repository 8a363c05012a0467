import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { anActivity } from '../../../test/activities';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
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
});
