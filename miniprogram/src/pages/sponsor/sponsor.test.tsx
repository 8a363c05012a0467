import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { navigations } from '../../../test/stubs/taro';
import { anActivity } from '../../../test/activities';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { checkActivityForm, DEFAULT_TEMPLATE, fieldErrorOf, shanghaiLocalToIso, type ActivityFormFields } from './activityForm';
import SponsorPage from './index';

const mine = { items: [{ id: 's-1', name: '星河饮料', role: 'owner', budgetMb: 5120, warnMb: 0, alertMb: 0, contacts: [], members: [], createdAt: '2026-03-01T00:00:00.000Z' }] };
const form: ActivityFormFields = {
  type: 'signin',
  title: '每日签到',
  budgetText: '1000',
  perUserCapText: '100',
  rewardMode: 'fixed',
  amountText: '10',
  minText: '',
  maxText: '',
  daysText: '7',
  template: DEFAULT_TEMPLATE,
  helpersText: '3',
  rainTimes: [''],
  rainCountText: '',
  rainTotalText: '',
  rainRoomsText: '',
};
const rainForm: ActivityFormFields = {
  ...form,
  type: 'red_packet_rain',
  rainTimes: ['2026-03-10 20:00', '2026-03-11 20:00'],
  rainCountText: '10',
  rainTotalText: '100',
  rainRoomsText: 'room-a，room-b',
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

  it('reads rain times as Shanghai wall time, and refuses dates that do not exist', () => {
    expect(shanghaiLocalToIso('2026-03-10 20:00')).toBe('2026-03-10T12:00:00.000Z');
    expect(shanghaiLocalToIso('2026-03-11T07:30')).toBe('2026-03-10T23:30:00.000Z');
    expect(shanghaiLocalToIso('2026-02-30 20:00')).toBeNull();
    expect(shanghaiLocalToIso('2026-03-10 24:00')).toBeNull();
    expect(shanghaiLocalToIso('明天晚上')).toBeNull();
  });

  it('builds share and rain activities with their own fields, and invite with none', () => {
    expect(checkActivityForm({ ...form, type: 'share', helpersText: '5' }, now)).toMatchObject({ ok: true, value: { type: 'share', helpersNeeded: 5 } });
    const invite = checkActivityForm({ ...form, type: 'invite', helpersText: '5' }, now);
    expect(invite).toMatchObject({ ok: true, value: { type: 'invite' } });
    if (invite.ok) expect(invite.value).not.toHaveProperty('helpersNeeded');
    expect(checkActivityForm(rainForm, now)).toMatchObject({
      ok: true,
      value: { type: 'red_packet_rain', rain: { times: ['2026-03-10T12:00:00.000Z', '2026-03-11T12:00:00.000Z'], roomIds: ['room-a', 'room-b'], count: 10, totalMb: 100 } },
    });
    const pageOnly = checkActivityForm({ ...rainForm, rainRoomsText: ' ' }, now);
    if (pageOnly.ok) expect(pageOnly.value.rain).toEqual({ times: ['2026-03-10T12:00:00.000Z', '2026-03-11T12:00:00.000Z'], count: 10, totalMb: 100 });
    else throw new Error(pageOnly.error);
  });

  it.each([
    [{ type: 'share', helpersText: '0' }, 'helpersText', '助力人数请填 1 – 100 的整数'],
    [{ type: 'share', helpersText: '101' }, 'helpersText', '助力人数请填 1 – 100 的整数'],
    [{ ...rainForm, rainTimes: [' '] }, 'rainTimes', '请填写至少一个红包雨时间'],
    [{ ...rainForm, rainTimes: ['2026-03-10 8点'] }, 'rainTimes', '第 1 个红包雨时间请按'],
    [{ ...rainForm, rainTimes: ['2026-03-10 20:00', '2026-03-10 09:59'] }, 'rainTimes', '第 2 个红包雨时间不在活动期内'],
    [{ ...rainForm, rainTimes: ['2026-03-17 10:00'] }, 'rainTimes', '第 1 个红包雨时间不在活动期内'],
    [{ ...rainForm, rainTimes: ['2026-03-10 20:00', '2026-03-10 20:00'] }, 'rainTimes', '第 2 个红包雨时间重复了'],
    [{ ...rainForm, rainCountText: '0' }, 'rainCountText', '每个红包个数请填 1 – 200 的整数'],
    [{ ...rainForm, rainTotalText: '' }, 'rainTotalText', '请填写每个红包总额'],
    [{ ...rainForm, rainTotalText: '9' }, 'rainTotalText', '每个红包总额不能少于个数'],
    [{ ...rainForm, rainTotalText: '102401' }, 'rainTotalText', '每个红包总额最多 102400 MB'],
    [{ ...rainForm, rainRoomsText: 'room-a, room-a' }, 'rainRoomsText', '群 ID 重复了'],
    [{ ...rainForm, rainTotalText: '200' }, 'rainTotalText', '红包雨共需 1200 MB'],
    [{ title: '', type: 'share', helpersText: '0' }, 'title', '请填写活动名称'],
  ] as Array<[Partial<ActivityFormFields>, string, string]>)('names the first wrong field of %p: %s', (change, field, error) => {
    const checked = checkActivityForm({ ...form, ...change }, now);
    expect(checked).toMatchObject({ ok: false, field });
    if (!checked.ok) expect(checked.error).toContain(error);
  });

  it("puts the service's 400 on the field it names", () => {
    expect(fieldErrorOf([{ path: 'body.rain.times', message: 'x' }])).toMatchObject({ field: 'rainTimes' });
    expect(fieldErrorOf([{ path: 'body.helpersNeeded', message: 'x' }])).toMatchObject({ field: 'helpersText' });
    expect(fieldErrorOf([{ path: 'body.rain', message: 'x' }])).toMatchObject({ field: 'rainTotalText' });
    expect(fieldErrorOf({ field: 'rain.roomIds', unknown: ['room-x'] })).toEqual({ field: 'rainRoomsText', error: '机器人不在这些群里：room-x' });
    expect(fieldErrorOf({ rule: 'x' })).toBeNull();
    expect(fieldErrorOf(undefined)).toBeNull();
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
    expect(screen.getByTestId('field-error-amountText')).toHaveTextContent('一次奖励不能超过每人上限');
    expect(api.createActivity).not.toHaveBeenCalled();
    type('activity-amount-input', '10');
    fireEvent.click(screen.getByTestId('create-activity-button'));
    await waitFor(() =>
      expect(api.createActivity).toHaveBeenCalledWith('s-1', expect.objectContaining({ title: '每日签到', budgetMb: 1000, reward: { mode: 'fixed', amountMb: 10 } })),
    );
  });

  describe('of each type', () => {
    const api = () =>
      fakeApi({
        listMySponsors: jest.fn().mockResolvedValue(mine),
        listSponsorActivities: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
        createActivity: jest.fn().mockResolvedValue(anActivity({ status: 'draft' })),
      });
    const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
    /** Shanghai wall time `days` from now, to the minute, as typed and as the instant it means. */
    const inShanghai = (days: number) => {
      const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 + days * 24 * 60 * 60 * 1000);
      return { typed: new Date(at.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 16).replace('T', ' '), iso: at.toISOString() };
    };
    async function fillCommon(kind: string) {
      await screen.findByTestId('create-activity-button');
      fireEvent.click(screen.getByTestId(`activity-type-${kind}`));
      type('activity-title-input', '春季活动');
      type('activity-budget-input', '1000');
      type('activity-cap-input', '100');
      type('activity-amount-input', '10');
    }

    it('sends a check-in or an invite with no type-specific fields', async () => {
      for (const kind of ['invite', 'signin'] as const) {
        const fake = api();
        const { unmount } = renderWithServices(<SponsorPage />, { api: fake });
        await fillCommon(kind);
        expect(screen.queryByTestId('activity-helpers-input')).toBeNull();
        expect(screen.queryByTestId('rain-fields')).toBeNull();
        fireEvent.click(screen.getByTestId('create-activity-button'));
        await waitFor(() => expect(fake.createActivity).toHaveBeenCalledTimes(1));
        const sent = fake.createActivity.mock.calls[0][1];
        expect(sent).toMatchObject({ type: kind, title: '春季活动', budgetMb: 1000, perUserCapMb: 100, reward: { mode: 'fixed', amountMb: 10 } });
        expect(sent).not.toHaveProperty('helpersNeeded');
        expect(sent).not.toHaveProperty('rain');
        unmount();
      }
    });

    it('sends a share with its helpers, naming a wrong count on its field until it changes', async () => {
      const fake = api();
      renderWithServices(<SponsorPage />, { api: fake });
      await fillCommon('share');
      expect(screen.getByTestId('activity-template-input')).toHaveValue('{nickname}，好友为你助力成功，你在「{activity}」获得 {amount}。');
      type('activity-helpers-input', '0');
      fireEvent.click(screen.getByTestId('create-activity-button'));
      expect(screen.getByTestId('field-error-helpersText')).toHaveTextContent('助力人数请填 1 – 100 的整数');
      expect(fake.createActivity).not.toHaveBeenCalled();
      type('activity-title-input', '春季助力');
      expect(screen.getByTestId('field-error-helpersText')).toBeInTheDocument();
      type('activity-helpers-input', '5');
      expect(screen.queryByTestId('field-error-helpersText')).toBeNull();
      fireEvent.click(screen.getByTestId('create-activity-button'));
      await waitFor(() => expect(fake.createActivity).toHaveBeenCalledWith('s-1', expect.objectContaining({ type: 'share', title: '春季助力', helpersNeeded: 5 })));
    });

    it('sends a rain with its times as instants, its packets and its rooms', async () => {
      const fake = api();
      renderWithServices(<SponsorPage />, { api: fake });
      await fillCommon('red_packet_rain');
      const first = inShanghai(1);
      const second = inShanghai(2);
      type('rain-time-0', first.typed);
      fireEvent.click(screen.getByTestId('add-rain-time-button'));
      type('rain-time-1', second.typed);
      type('rain-count-input', '10');
      type('rain-total-input', '100');
      type('rain-rooms-input', 'room-a, room-b');
      fireEvent.click(screen.getByTestId('create-activity-button'));
      await waitFor(() =>
        expect(fake.createActivity).toHaveBeenCalledWith(
          's-1',
          expect.objectContaining({ type: 'red_packet_rain', rain: { times: [first.iso, second.iso], roomIds: ['room-a', 'room-b'], count: 10, totalMb: 100 } }),
        ),
      );
      expect(fake.createActivity.mock.calls[0][1]).not.toHaveProperty('helpersNeeded');
    });

    it('names the wrong rain field, and clears it when that field changes', async () => {
      const fake = api();
      renderWithServices(<SponsorPage />, { api: fake });
      await fillCommon('red_packet_rain');
      type('rain-time-0', '明晚八点');
      fireEvent.click(screen.getByTestId('create-activity-button'));
      expect(screen.getByTestId('field-error-rainTimes')).toHaveTextContent('第 1 个红包雨时间请按 2026-03-10 20:00 的格式填写');
      type('rain-time-0', inShanghai(1).typed);
      expect(screen.queryByTestId('field-error-rainTimes')).toBeNull();
      type('rain-count-input', '10');
      type('rain-total-input', '5');
      fireEvent.click(screen.getByTestId('create-activity-button'));
      expect(screen.getByTestId('field-error-rainTotalText')).toHaveTextContent('每个红包总额不能少于个数');
      type('rain-total-input', '1001');
      fireEvent.click(screen.getByTestId('create-activity-button'));
      expect(screen.getByTestId('field-error-rainTotalText')).toHaveTextContent('红包雨共需 1001 MB');
      type('rain-rooms-input', 'room-a,room-a');
      expect(screen.getByTestId('field-error-rainTotalText')).toBeInTheDocument();
      type('rain-total-input', '100');
      expect(screen.queryByTestId('field-error-rainTotalText')).toBeNull();
      fireEvent.click(screen.getByTestId('create-activity-button'));
      expect(screen.getByTestId('field-error-rainRoomsText')).toHaveTextContent('群 ID 重复了');
      expect(fake.createActivity).not.toHaveBeenCalled();
    });

    it("shows the service's 400 on the field it names", async () => {
      const fake = api();
      fake.createActivity.mockRejectedValueOnce(new ApiError('VALIDATION_FAILED', 400, 'The bot is not in this room: room-x.', { field: 'rain.roomIds', unknown: ['room-x'] }));
      fake.createActivity.mockRejectedValueOnce(
        new ApiError('VALIDATION_FAILED', 400, 'Invalid body', [{ path: 'body.rain.times', message: 'every rain time must fall inside the window' }]),
      );
      renderWithServices(<SponsorPage />, { api: fake });
      await fillCommon('red_packet_rain');
      type('rain-time-0', inShanghai(1).typed);
      type('rain-count-input', '10');
      type('rain-total-input', '100');
      type('rain-rooms-input', 'room-x');
      fireEvent.click(screen.getByTestId('create-activity-button'));
      expect(await screen.findByTestId('field-error-rainRoomsText')).toHaveTextContent('机器人不在这些群里：room-x');
      type('rain-rooms-input', '');
      expect(screen.queryByTestId('field-error-rainRoomsText')).toBeNull();
      fireEvent.click(screen.getByTestId('create-activity-button'));
      expect(await screen.findByTestId('field-error-rainTimes')).toHaveTextContent('红包雨时间未通过服务端校验');
      expect(fake.createActivity).toHaveBeenCalledTimes(2);
    });
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
