import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { clipboard, setRouterParams } from '../../../test/stubs/taro';
import { ALICE, FakeLiveSocket, aCrowdfund, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import CrowdfundPage from './index';

function openCrowdfundPage(api: ReturnType<typeof fakeApi>) {
  const socket = new FakeLiveSocket();
  const connectLive = jest.fn(() => socket);
  setRouterParams({ id: 'cf-1' });
  renderWithServices(<CrowdfundPage />, { api, connectLive });
  return { socket, connectLive };
}

const pledged = (userId: string, nickname: string, amountMb: number, raisedMb: number, crowdfundId = 'cf-1') => ({ crowdfundId, userId, nickname, amountMb, raisedMb });
const fill = () => screen.getByTestId('crowdfund-progress-fill');

describe('the crowdfund page', () => {
  beforeEach(() => signIn());

  it('follows the crowdfund live and moves the progress bar as pledges arrive, ignoring other crowdfunds', async () => {
    const api = fakeApi({ getCrowdfund: jest.fn().mockResolvedValue(aCrowdfund()) });
    const { socket, connectLive } = openCrowdfundPage(api);
    await screen.findByTestId('crowdfund-title');
    expect(connectLive).toHaveBeenCalledWith('token-of-alice');
    expect(socket.emitted[0]).toEqual({ event: 'subscribe', args: [{ crowdfundId: 'cf-1' }, expect.any(Function)] });
    expect(fill()).toHaveStyle({ width: '0%' });

    act(() => socket.serverSends('pledged', pledged('u-carol', '王五', 250, 250)));
    act(() => socket.serverSends('pledged', pledged('u-x', '别处', 999, 999, 'cf-other')));
    expect(fill()).toHaveStyle({ width: '25%' });
    expect(screen.getByTestId('crowdfund-raised')).toHaveTextContent('已筹 250 MB / 1000 MB（25%）');
    expect(screen.getAllByTestId('pledge-item')).toHaveLength(1);

    // Out of order across processes: a later total arrives before an earlier one; the bar never goes back.
    act(() => socket.serverSends('pledged', pledged('u-dave', '赵六', 500, 1000)));
    act(() => socket.serverSends('pledged', pledged('u-erin', '孙七', 250, 500)));
    act(() => socket.serverSends('closed', { crowdfundId: 'cf-1', status: 'succeeded' }));
    expect(fill()).toHaveStyle({ width: '100%' });
    expect(screen.getByTestId('crowdfund-status')).toHaveTextContent('众筹成功');
    expect(screen.queryByTestId('pledge-form')).not.toBeInTheDocument();
  });

  it('pledges with one key and says when only what was missing was taken', async () => {
    const api = fakeApi({
      getCrowdfund: jest
        .fn()
        .mockResolvedValueOnce(aCrowdfund({ raisedMb: 900 }))
        .mockResolvedValueOnce(aCrowdfund({ raisedMb: 900 }))
        .mockResolvedValue(aCrowdfund({ raisedMb: 1000, status: 'succeeded' })),
      pledge: jest.fn().mockResolvedValue({ id: 'pl-1', crowdfundId: 'cf-1', requestedMb: 300, amountMb: 100, raisedMb: 1000, status: 'succeeded' }),
    });
    openCrowdfundPage(api);
    fireEvent.change(await screen.findByTestId('pledge-amount-input'), { target: { value: '300' } });
    fireEvent.click(screen.getByTestId('pledge-button'));
    expect(await screen.findByTestId('pledge-result')).toHaveTextContent('只差 100 MB 就达成了，所以只从你的钱包扣了 100 MB');
    expect(api.pledge).toHaveBeenCalledWith('cf-1', 300, expect.stringMatching(/^[0-9a-f]{32}$/));
    await waitFor(() => expect(screen.getByTestId('crowdfund-status')).toHaveTextContent('众筹成功'));
  });

  it('says in words why a pledge was refused', async () => {
    const api = fakeApi({
      getCrowdfund: jest.fn().mockResolvedValue(aCrowdfund()),
      pledge: jest.fn().mockRejectedValue(new ApiError('INSUFFICIENT_BALANCE', 422, 'not enough')),
    });
    openCrowdfundPage(api);
    fireEvent.change(await screen.findByTestId('pledge-amount-input'), { target: { value: '50' } });
    fireEvent.click(screen.getByTestId('pledge-button'));
    expect(await screen.findByTestId('error-message')).toHaveTextContent('余额不足');
    fireEvent.change(screen.getByTestId('pledge-amount-input'), { target: { value: '1.5' } });
    fireEvent.click(screen.getByTestId('pledge-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('整数');
    expect(api.pledge).toHaveBeenCalledTimes(1);
  });

  it('lets its creator cancel after a second tap, and nobody else', async () => {
    const mine = aCrowdfund({ creator: { userId: ALICE.id, nickname: ALICE.nickname } });
    const api = fakeApi({
      getCrowdfund: jest.fn().mockResolvedValue(mine),
      cancelCrowdfund: jest.fn().mockResolvedValue({ ...mine, status: 'cancelled', closedAt: '2025-11-26T05:00:00.000Z' }),
    });
    openCrowdfundPage(api);
    fireEvent.click(await screen.findByTestId('crowdfund-cancel'));
    expect(api.cancelCrowdfund).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('crowdfund-cancel-confirm'));
    expect(await screen.findByTestId('crowdfund-status')).toHaveTextContent('发起人已取消，支持的流量已全额退回');
    expect(api.cancelCrowdfund).toHaveBeenCalledWith('cf-1', expect.any(String));
    // The creator sees no 打赏 button for their own crowdfund.
    expect(screen.queryByTestId('tip-open')).not.toBeInTheDocument();
  });

  it('shows no cancel to others, and a link that opens this crowdfund for a friend', async () => {
    const api = fakeApi({ getCrowdfund: jest.fn().mockResolvedValue(aCrowdfund()) });
    openCrowdfundPage(api);
    await screen.findByTestId('crowdfund-title');
    expect(screen.queryByTestId('crowdfund-cancel')).not.toBeInTheDocument();
    expect(screen.getByTestId('crowdfund-share-link')).toHaveTextContent('#/pages/crowdfund/index?id=cf-1');
    fireEvent.click(screen.getByTestId('copy-crowdfund-link'));
    await waitFor(() => expect(clipboard.text).toContain('/pages/crowdfund/index?id=cf-1'));
  });

  it('tips the creator and shows the leaderboard again', async () => {
    const api = fakeApi({
      getCrowdfund: jest.fn().mockResolvedValue(aCrowdfund()),
      getTipLeaderboard: jest
        .fn()
        .mockResolvedValueOnce({ items: [{ userId: 'u-carol', nickname: '王五', totalMb: 30, count: 2 }] })
        .mockResolvedValue({
          items: [
            { userId: 'u-carol', nickname: '王五', totalMb: 30, count: 2 },
            { userId: ALICE.id, nickname: ALICE.nickname, totalMb: 20, count: 1 },
          ],
        }),
      tip: jest.fn().mockResolvedValue({ id: 't-1', toUserId: 'u-bob', amountMb: 20 }),
    });
    openCrowdfundPage(api);
    expect(await screen.findAllByTestId('tip-leader')).toHaveLength(1);
    fireEvent.click(screen.getByTestId('tip-open'));
    fireEvent.change(screen.getByTestId('tip-amount-input'), { target: { value: '2000' } });
    fireEvent.click(screen.getByTestId('tip-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('打赏流量最多 1 GB');
    fireEvent.change(screen.getByTestId('tip-amount-input'), { target: { value: '20' } });
    fireEvent.change(screen.getByTestId('tip-message-input'), { target: { value: '加油' } });
    fireEvent.click(screen.getByTestId('tip-button'));
    expect(await screen.findByTestId('tip-result')).toHaveTextContent('已打赏 李四 20 MB');
    expect(api.tip).toHaveBeenCalledWith({ target: { type: 'crowdfund', id: 'cf-1' }, amountMb: 20, message: '加油' }, expect.any(String));
    await waitFor(() => expect(screen.getAllByTestId('tip-leader')).toHaveLength(2));
    expect(screen.getAllByTestId('tip-leader')[0]).toHaveTextContent('1. 王五30 MB（2 次）');
  });
});
