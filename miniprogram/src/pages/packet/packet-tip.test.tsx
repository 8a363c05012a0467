import { fireEvent, screen } from '@testing-library/react';
import { setRouterParams } from '../../../test/stubs/taro';
import { ALICE, aPacket, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import PacketPage from './index';

describe('打赏 on the red-packet page', () => {
  beforeEach(() => {
    signIn();
    setRouterParams({ id: 'p-1' });
  });

  it("tips the packet's sender and shows the packet's leaderboard", async () => {
    const api = fakeApi({
      getRedPacket: jest.fn().mockResolvedValue(aPacket()),
      getTipLeaderboard: jest.fn().mockResolvedValue({ items: [{ userId: 'u-carol', nickname: '王五', totalMb: 10, count: 1 }] }),
      tip: jest.fn().mockResolvedValue({ id: 't-1', toUserId: 'u-bob', amountMb: 8 }),
    });
    renderWithServices(<PacketPage />, { api });
    expect(await screen.findByTestId('tip-leader')).toHaveTextContent('王五');
    expect(api.getTipLeaderboard).toHaveBeenCalledWith({ type: 'red_packet', id: 'p-1' });
    fireEvent.click(screen.getByTestId('tip-open'));
    fireEvent.change(screen.getByTestId('tip-amount-input'), { target: { value: '8' } });
    fireEvent.click(screen.getByTestId('tip-button'));
    expect(await screen.findByTestId('tip-result')).toHaveTextContent('已打赏 李四 8 MB');
    expect(api.tip).toHaveBeenCalledWith({ target: { type: 'red_packet', id: 'p-1' }, amountMb: 8 }, expect.any(String));
  });

  it('shows its sender no 打赏 button', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket({ senderId: ALICE.id, senderNickname: ALICE.nickname })) });
    renderWithServices(<PacketPage />, { api });
    await screen.findByTestId('tip-panel');
    expect(screen.queryByTestId('tip-open')).not.toBeInTheDocument();
  });
});
