import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ShareGroup } from '@liuliang/shared';
import { ApiError } from '../../api/errors';
import { ALICE, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { navigations } from '../../../test/stubs/taro';
import FamilyPage from './index';

function aGroup(overrides: Partial<ShareGroup> = {}): ShareGroup {
  return {
    id: 'g-1',
    name: '我们家',
    ownerId: ALICE.id,
    poolMb: 1000,
    monthlyQuotaMb: 300,
    status: 'active',
    month: '2026-04',
    maxMembers: 10,
    members: [
      { memberId: 'm-1', userId: ALICE.id, phone: '138****0001', nickname: '张三', isOwner: true, status: 'joined', drawnThisMonthMb: 100 },
      { memberId: 'm-2', userId: 'u-bob', phone: '139****0002', nickname: '李四', isOwner: false, status: 'joined', drawnThisMonthMb: 300 },
      { memberId: 'm-3', userId: null, phone: '137****0003', nickname: null, isOwner: false, status: 'pending', drawnThisMonthMb: 0 },
    ],
    createdAt: '2026-04-01T00:00:00.000Z',
    ...overrides,
  };
}
const page = (items: ShareGroup[]) => ({ items, nextCursor: null });
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('the family page', () => {
  it('sends a signed-out person to sign in', async () => {
    renderWithServices(<FamilyPage />, { api: fakeApi() });
    await waitFor(() => expect(navigations).toContainEqual({ kind: 'redirectTo', url: '/pages/login/index?redirect=%2Fpages%2Ffamily%2Findex' }));
  });

  describe('signed in', () => {
    beforeEach(() => signIn());

    it('lets someone in no group create one, checking the form first', async () => {
      const created = aGroup({ poolMb: 0, members: [aGroup().members[0]] });
      const api = fakeApi({ listShareGroups: jest.fn().mockResolvedValue(page([])), createShareGroup: jest.fn().mockResolvedValue(created) });
      renderWithServices(<FamilyPage />, { api });
      fireEvent.click(await screen.findByTestId('family-create-button'));
      expect(screen.getByTestId('error-message')).toHaveTextContent('请给家庭组起个名字');
      type('family-name-input', '我们家');
      type('family-quota-input', '1.5');
      fireEvent.click(screen.getByTestId('family-create-button'));
      expect(screen.getByTestId('error-message')).toHaveTextContent('每人每月额度数量请填整数');
      expect(api.createShareGroup).not.toHaveBeenCalled();

      type('family-quota-input', '300');
      fireEvent.click(screen.getByTestId('family-create-button'));
      expect(await screen.findByTestId('family-notice')).toHaveTextContent('家庭组已创建');
      expect(api.createShareGroup).toHaveBeenCalledWith({ name: '我们家', monthlyQuotaMb: 300 }, expect.any(String));
      expect(screen.getByTestId('family-pool')).toHaveTextContent('0 MB');
    });

    it('shows the owner the pool, every member with what they drew this month, and the owner tools', async () => {
      renderWithServices(<FamilyPage />, { api: fakeApi({ listShareGroups: jest.fn().mockResolvedValue(page([aGroup()])) }) });
      expect(await screen.findByTestId('family-pool')).toHaveTextContent('1000 MB');
      expect(screen.getByTestId('family-quota')).toHaveTextContent('每人每月可领 300 MB，你本月还能领 200 MB');
      const members = screen.getAllByTestId('family-member');
      expect(members.map((m) => m.textContent)).toEqual([
        expect.stringContaining('张三（户主，我）本月已领 100 MB / 300 MB'),
        expect.stringContaining('李四本月已领 300 MB / 300 MB'),
        expect.stringContaining('137****0003 还没注册，登录后自动加入'),
      ]);
      expect(within(members[0]).queryByTestId('family-remove')).not.toBeInTheDocument();
      expect(within(members[1]).getByTestId('family-remove')).toBeInTheDocument();
      expect(screen.getByTestId('family-fund-button')).toBeInTheDocument();
      expect(screen.getByTestId('family-reclaim-button')).toBeInTheDocument();
    });

    it('adds a member by phone and removes one, a pending number by its member id', async () => {
      const afterAdd = aGroup();
      const afterRemove = aGroup({ members: aGroup().members.slice(0, 2) });
      const api = fakeApi({
        listShareGroups: jest.fn().mockResolvedValue(page([aGroup({ members: aGroup().members.slice(0, 2) })])),
        addShareGroupMember: jest.fn().mockResolvedValue(afterAdd),
        removeShareGroupMember: jest.fn().mockResolvedValue(afterRemove),
      });
      renderWithServices(<FamilyPage />, { api });
      await screen.findByTestId('family-add-button');
      type('family-phone-input', '1370000');
      fireEvent.click(screen.getByTestId('family-add-button'));
      expect(screen.getByTestId('error-message')).toHaveTextContent('请输入正确的 11 位手机号');
      type('family-phone-input', '137 0000 0003');
      fireEvent.click(screen.getByTestId('family-add-button'));
      await waitFor(() => expect(screen.getAllByTestId('family-member')).toHaveLength(3));
      expect(api.addShareGroupMember).toHaveBeenCalledWith('g-1', '13700000003');

      fireEvent.click(within(screen.getAllByTestId('family-member')[2]).getByTestId('family-remove'));
      await waitFor(() => expect(screen.getAllByTestId('family-member')).toHaveLength(2));
      expect(api.removeShareGroupMember).toHaveBeenCalledWith('g-1', 'm-3');
      expect(screen.getByTestId('family-notice')).toHaveTextContent('已把 137****0003 移出家庭组');
      fireEvent.click(within(screen.getAllByTestId('family-member')[1]).getByTestId('family-remove'));
      await waitFor(() => expect(api.removeShareGroupMember).toHaveBeenLastCalledWith('g-1', 'u-bob'));
    });

    it('funds and reclaims the pool, each with its own action key', async () => {
      const api = fakeApi({
        listShareGroups: jest.fn().mockResolvedValue(page([aGroup()])),
        moveShareGroupPool: jest
          .fn()
          .mockResolvedValueOnce(aGroup({ poolMb: 1500 }))
          .mockResolvedValueOnce(aGroup({ poolMb: 1200 })),
      });
      renderWithServices(<FamilyPage />, { api });
      await screen.findByTestId('family-fund-input');
      type('family-fund-input', '500');
      fireEvent.click(screen.getByTestId('family-fund-button'));
      await waitFor(() => expect(screen.getByTestId('family-pool')).toHaveTextContent('1.46 GB'));
      type('family-reclaim-input', '2000');
      fireEvent.click(screen.getByTestId('family-reclaim-button'));
      expect(screen.getByTestId('error-message')).toHaveTextContent('取回最多');
      type('family-reclaim-input', '300');
      fireEvent.click(screen.getByTestId('family-reclaim-button'));
      await waitFor(() => expect(screen.getByTestId('family-notice')).toHaveTextContent('已取回到你的钱包'));
      const calls = api.moveShareGroupPool.mock.calls;
      expect(calls.map((call: unknown[]) => call.slice(0, 3))).toEqual([
        ['g-1', 'fund', 500],
        ['g-1', 'reclaim', 300],
      ]);
      expect(calls[0][3]).not.toBe(calls[1][3]);
    });

    it('lets a member draw within what is left of the quota, and says a refusal in words', async () => {
      const asMember = aGroup({
        ownerId: 'u-bob',
        members: [
          { ...aGroup().members[0], isOwner: false },
          { ...aGroup().members[1], isOwner: true },
        ],
      });
      const api = fakeApi({
        listShareGroups: jest.fn().mockResolvedValue(page([asMember])),
        moveShareGroupPool: jest
          .fn()
          .mockRejectedValueOnce(new ApiError('INSUFFICIENT_POOL', 422, 'pool', { poolMb: 50 }))
          .mockResolvedValueOnce(aGroup({ ownerId: 'u-bob', poolMb: 950 })),
      });
      renderWithServices(<FamilyPage />, { api });
      await screen.findByTestId('family-draw-button');
      expect(screen.queryByTestId('family-fund-button')).not.toBeInTheDocument();
      expect(screen.queryByTestId('family-remove')).not.toBeInTheDocument();
      type('family-draw-input', '201');
      fireEvent.click(screen.getByTestId('family-draw-button'));
      expect(screen.getByTestId('error-message')).toHaveTextContent('领取最多 200 MB');
      expect(api.moveShareGroupPool).not.toHaveBeenCalled();

      type('family-draw-input', '50');
      fireEvent.click(screen.getByTestId('family-draw-button'));
      expect(await screen.findByTestId('error-message')).toHaveTextContent('家庭流量池里的流量不够');
      fireEvent.click(screen.getByTestId('family-draw-button'));
      expect(await screen.findByTestId('family-notice')).toHaveTextContent('已领取到你的钱包');
      expect(screen.getByTestId('family-pool')).toHaveTextContent('950 MB');
      expect(api.moveShareGroupPool).toHaveBeenLastCalledWith('g-1', 'draw', 50, expect.any(String));
    });

    it('closes the group on a second tap, and then offers to start a new one', async () => {
      const api = fakeApi({
        listShareGroups: jest.fn().mockResolvedValue(page([aGroup()])),
        closeShareGroup: jest.fn().mockResolvedValue(aGroup({ status: 'closed', poolMb: 0, members: [] })),
      });
      renderWithServices(<FamilyPage />, { api });
      fireEvent.click(await screen.findByTestId('family-close-button'));
      expect(screen.getByTestId('family-close-warning')).toHaveTextContent('流量池里的 1000 MB 退回你的钱包');
      expect(api.closeShareGroup).not.toHaveBeenCalled();
      fireEvent.click(screen.getByTestId('family-close-button'));
      expect(await screen.findByTestId('family-create-button')).toBeInTheDocument();
      expect(screen.getByTestId('family-notice')).toHaveTextContent('家庭组已解散，流量池里的 1000 MB 已退回你的钱包。');
      expect(api.closeShareGroup).toHaveBeenCalledWith('g-1', expect.any(String));
    });
  });
});
