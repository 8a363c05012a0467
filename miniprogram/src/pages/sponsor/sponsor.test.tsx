import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { navigations } from '../../../test/stubs/taro';
import { anActivity } from '../../../test/activities';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { checkActivityForm, DEFAULT_TEMPLATE, type ActivityFormFields } from './activityForm';
import SponsorPage from './index';

const mine = { items: [{ id: 's-1', name: '星河饮料', role: 'owner', budgetMb: 5120, warnMb: 0, alertMb: 0, contacts: [], members: [], createdAt: '2026-03-01T00:00:00.000Z' }] };
const form: ActivityFormFields = {
  title: '每日签到',
  budgetText: '1000',
  perUserCapText: '100',
  rewardMode: 'fixed',
  amountText: '10',
  minText: '',
  maxText: '',
  daysText: '7',
  template: DEFAULT_TEMPLATE,
};

describe('the create-activity form', () => {
  const now = new Date('2026-03-10T02:00:00Z');

  it('builds a check-in activity that starts now and runs the given days', () => {
    expect(checkActivityForm(form, now)).toEqual({
      ok: true,
      value: expect.objectContaining({
        type: 'signin',
        startsAt: '2026-03-10T02:00:00.000Z',
        endsAt: '2026-03-17T02:00:00.000Z',
        budgetMb: 1000,
        perUserCapMb: 100,
        reward: { mode: 'fixed', amountMb: 10 },
      }),
    });
    expect(checkActivityForm({ ...form, rewardMode: 'random', minText: '5', maxText: '20' }, now)).toMatchObject({
      ok: true,
      value: { reward: { mode: 'random', minMb: 5, maxMb: 20 } },
    });
  });

  it.each([
    [{ title: ' ' }, '请填写活动名称'],
    [{ budgetText: '10.5' }, '活动预算请填正整数'],
    [{ amountText: '200' }, '一次奖励不能超过每人上限'],
    [{ budgetText: '5' }, '一次奖励不能超过活动预算'],
    [{ rewardMode: 'random', minText: '9', maxText: '3' }, '最少奖励不能大于最多奖励'],
    [{ daysText: '0' }, '活动天数请填'],
    [{ template: '你好 {phone}' }, '第 4 个字的 {phone} 不是可用的变量'],
    [{ template: '你好 {nickname' }, '第 4 个字的花括号没有配对'],
  ] as Array<[Partial<ActivityFormFields>, string]>)('refuses %p: %s', (change, error) => {
    const checked = checkActivityForm({ ...form, ...change }, now);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toContain(error);
  });
});

describe('the sponsor page', () => {
  beforeEach(() => signIn());

  it('shows the budget and the activities with the steps their status allows, and links to the report', async () => {
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: jest.fn().mockResolvedValue({ items: [anActivity({ id: 'a-draft', status: 'draft' }), anActivity({ id: 'a-run' })], nextCursor: null }),
    });
    renderWithServices(<SponsorPage />, { api });
    expect(await screen.findByTestId('sponsor-budget')).toHaveTextContent('5 GB');
    const draft = await screen.findByTestId('sponsor-activity-a-draft');
    expect(draft.querySelector('[data-testid="publish-button"]')).not.toBeNull();
    expect(draft.querySelector('[data-testid="report-button"]')).toBeNull();
    const running = screen.getByTestId('sponsor-activity-a-run');
    expect(running.querySelector('[data-testid="pause-button"]')).not.toBeNull();
    fireEvent.click(running.querySelector('[data-testid="report-button"]')!);
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/sponsor-report/index?sid=s-1&aid=a-run' });
  });

  it('publishes with an Idempotency-Key and tells a short budget in words', async () => {
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: jest.fn().mockResolvedValue({ items: [anActivity({ id: 'a-draft', status: 'draft' })], nextCursor: null }),
      changeActivity: jest.fn().mockRejectedValue(new ApiError('INSUFFICIENT_BUDGET', 422, 'short')),
    });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('publish-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent('赞助预算不足'));
    expect(api.changeActivity).toHaveBeenCalledWith('s-1', 'a-draft', 'publish', expect.stringMatching(/^[0-9a-f]{32}$/));
  });

  it('creates a draft from the form, and refuses a bad one without calling the service', async () => {
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      createActivity: jest.fn().mockResolvedValue(anActivity({ status: 'draft' })),
    });
    renderWithServices(<SponsorPage />, { api });
    const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
    await screen.findByTestId('create-activity-button');
    type('activity-title-input', '每日签到');
    type('activity-budget-input', '1000');
    type('activity-cap-input', '100');
    type('activity-amount-input', '500');
    fireEvent.click(screen.getByTestId('create-activity-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('一次奖励不能超过每人上限');
    expect(api.createActivity).not.toHaveBeenCalled();
    type('activity-amount-input', '10');
    fireEvent.click(screen.getByTestId('create-activity-button'));
    await waitFor(() =>
      expect(api.createActivity).toHaveBeenCalledWith('s-1', expect.objectContaining({ title: '每日签到', budgetMb: 1000, reward: { mode: 'fixed', amountMb: 10 } })),
    );
  });

  it('previews the rewarded template live for a sample person, with the SMS count, and says where a template is wrong', async () => {
    const api = fakeApi({ listMySponsors: jest.fn().mockResolvedValue(mine), listSponsorActivities: jest.fn().mockResolvedValue({ items: [], nextCursor: null }) });
    renderWithServices(<SponsorPage />, { api });
    const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
    await screen.findByTestId('create-activity-button');
    type('activity-title-input', '春季签到');
    type('activity-amount-input', '10');
    type('activity-template-input', '{nickname}在{activity}获得{amount}，{{不是变量}}');
    expect(screen.getByTestId('activity-template-input-preview')).toHaveTextContent('【流量】星河饮料：小明在春季签到获得100 MB，{不是变量}');
    expect(screen.getByTestId('activity-template-input-segments')).toHaveTextContent('1 条短信');
    type('activity-template-input', '长'.repeat(150));
    expect(screen.getByTestId('activity-template-input-segments')).toHaveTextContent('3 条短信');
    type('activity-template-input', '长'.repeat(205));
    expect(screen.getByTestId('activity-template-input-problem')).toHaveTextContent('消息太长');
    type('activity-template-input', '恭喜{name}');
    expect(screen.getByTestId('activity-template-input-problem')).toHaveTextContent('第 3 个字的 {name} 不是可用的变量');
    expect(screen.queryByTestId('activity-template-input-preview')).toBeNull();
  });

  it('shows the audience size before a broadcast is sent, and sends it once with an Idempotency-Key', async () => {
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: jest.fn().mockResolvedValue({ items: [anActivity({ id: 'a-run' })], nextCursor: null }),
      broadcastAudience: jest.fn((_sid: string, _aid: string, audience: string) => Promise.resolve({ audience, recipients: audience === 'participants' ? 42 : 1000 })),
      broadcast: jest.fn().mockResolvedValue({ id: 'b-1', recipients: 1000 }),
    });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('open-broadcast-button'));
    expect(await screen.findByText(/将发给 42 人/)).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('audience-eligible_not_joined'));
    expect(await screen.findByText(/将发给 1000 人/)).toBeInTheDocument();
    fireEvent.change(screen.getByTestId('broadcast-template-input'), { target: { value: '{nickname}，快来签到' } });
    expect(screen.getByTestId('broadcast-template-input-preview')).toHaveTextContent('小明，快来签到');
    fireEvent.click(screen.getByTestId('broadcast-button'));
    expect(await screen.findByTestId('broadcast-sent')).toHaveTextContent('已安排发送给 1000 人');
    expect(api.broadcast).toHaveBeenCalledWith('s-1', 'a-run', { template: '{nickname}，快来签到', audience: 'eligible_not_joined' }, expect.stringMatching(/^[0-9a-f]{32}$/));
  });

  it('changes the rewarded template of a running activity', async () => {
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: jest.fn().mockResolvedValue({ items: [anActivity({ id: 'a-run' })], nextCursor: null }),
      updateActivity: jest.fn().mockResolvedValue(anActivity({ id: 'a-run' })),
    });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('edit-template-button'));
    fireEvent.change(screen.getByTestId('edit-template-input'), { target: { value: '恭喜 {nickname}' } });
    fireEvent.click(screen.getByTestId('save-template-button'));
    await waitFor(() => expect(api.updateActivity).toHaveBeenCalledWith('s-1', 'a-run', { templates: { rewarded: '恭喜 {nickname}' } }));
  });

  it('tells someone who belongs to no sponsor', async () => {
    renderWithServices(<SponsorPage />, { api: fakeApi({ listMySponsors: jest.fn().mockResolvedValue({ items: [] }) }) });
    expect(await screen.findByTestId('no-sponsor')).toBeInTheDocument();
  });
});
