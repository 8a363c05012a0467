import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { clipboard, navigations, setRouterParams } from '../../../test/stubs/taro';
import { ALICE, FakeLiveSocket, aCover, aPacket, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import PacketPage from './index';

function openPacketPage(api: ReturnType<typeof fakeApi>) {
  const socket = new FakeLiveSocket();
  const connectLive = jest.fn(() => socket);
  setRouterParams({ id: 'p-1' });
  renderWithServices(<PacketPage />, { api, connectLive });
  return { socket, connectLive };
}

const grabOf = (userId: string, nickname: string, amountMb: number, remainingCount: number, remainingMb: number) => ({
  packetId: 'p-1',
  userId,
  nickname,
  amountMb,
  remainingCount,
  remainingMb,
  at: '2025-11-26T04:00:05.000Z',
});

describe('the red-packet page', () => {
  beforeEach(() => signIn());

  it('follows the packet live with the session token', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket()) });
    const { socket, connectLive } = openPacketPage(api);
    await screen.findByTestId('grab-list');
    expect(connectLive).toHaveBeenCalledWith('token-of-alice');
    expect(socket.emitted[0]).toEqual({ event: 'subscribe', args: [{ packetId: 'p-1' }, expect.any(Function)] });
  });

  it('appends a grab to the list when a grabbed event arrives', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket()) });
    const { socket } = openPacketPage(api);
    await screen.findByTestId('grab-list');
    expect(screen.queryAllByTestId('grab-item')).toHaveLength(0);

    act(() => socket.serverSends('grabbed', grabOf('u-carol', '王五', 120, 2, 180)));
    act(() => socket.serverSends('grabbed', { ...grabOf('u-other', '别的红包', 5, 0, 0), packetId: 'p-other' }));

    const items = screen.getAllByTestId('grab-item');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent('王五');
    expect(items[0]).toHaveTextContent('120 MB');
    expect(screen.getByTestId('packet-progress')).toHaveTextContent('已领取 1/3 个，共 120 MB/300 MB');
  });

  it('shows the luckiest grabber when the packet is finished', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket({ count: 2, totalMb: 200, remainingCount: 2, remainingMb: 200 })) });
    const { socket } = openPacketPage(api);
    await screen.findByTestId('grab-list');

    act(() => {
      socket.serverSends('grabbed', grabOf('u-carol', '王五', 150, 1, 50));
      socket.serverSends('grabbed', grabOf('u-dave', '赵六', 50, 0, 0));
      socket.serverSends('finished', { packetId: 'p-1', luckiest: { userId: 'u-carol', nickname: '王五', amountMb: 150 } });
    });

    expect(screen.getByTestId('luckiest')).toHaveTextContent('手气最佳：王五 150 MB');
    expect(screen.getByTestId('packet-finished')).toHaveTextContent('红包已被抢完');
    expect(screen.queryByTestId('grab-button')).not.toBeInTheDocument();
    const carol = screen.getAllByTestId('grab-item')[0];
    expect(within(carol).getByTestId('luckiest-badge')).toBeInTheDocument();
  });

  it('shows that the packet expired and what went back to the sender', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket()) });
    const { socket } = openPacketPage(api);
    await screen.findByTestId('grab-list');
    act(() => socket.serverSends('expired', { packetId: 'p-1', refundedMb: 300 }));
    expect(screen.getByTestId('packet-expired')).toHaveTextContent('红包已过期，未领取的 300 MB 已退回给发红包的人');
    expect(screen.queryByTestId('grab-button')).not.toBeInTheDocument();
  });

  it('grabs with the passphrase and one action key, then shows the share', async () => {
    const packet = aPacket({ hasPassphrase: true });
    const grabbed = aPacket({
      hasPassphrase: true,
      remainingCount: 2,
      remainingMb: 277,
      grabs: [{ userId: ALICE.id, nickname: ALICE.nickname, avatarUrl: '/api/v1/avatars/a1', amountMb: 23, at: '2025-11-26T04:00:01.000Z' }],
    });
    const api = fakeApi({
      getRedPacket: jest.fn().mockResolvedValueOnce(packet).mockResolvedValueOnce(packet).mockResolvedValue(grabbed),
      grabRedPacket: jest.fn().mockResolvedValue({ amountMb: 23, rank: 1 }),
    });
    openPacketPage(api);
    fireEvent.change(await screen.findByTestId('passphrase-input'), { target: { value: '芝麻开门' } });
    fireEvent.click(screen.getByTestId('grab-button'));

    expect(await screen.findByTestId('grab-result')).toHaveTextContent('你抢到了23 MB');
    expect(api.grabRedPacket).toHaveBeenCalledWith('p-1', { passphrase: '芝麻开门' }, expect.stringMatching(/^[0-9a-f]{32}$/));
    await waitFor(() => expect(screen.getAllByTestId('grab-item')).toHaveLength(1));
    // The grabber's uploaded face beside their name.
    expect(within(screen.getByTestId('grab-item')).getByTestId('avatar-image')).toHaveAttribute('src', '/api/v1/avatars/a1');
  });

  it('asks for the passphrase before grabbing a passphrase packet', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket({ hasPassphrase: true })) });
    openPacketPage(api);
    fireEvent.click(await screen.findByTestId('grab-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('这是口令红包，请先输入口令');
    expect(api.grabRedPacket).not.toHaveBeenCalled();
  });

  it('says in words why a grab was refused', async () => {
    const api = fakeApi({
      getRedPacket: jest.fn().mockResolvedValue(aPacket()),
      grabRedPacket: jest.fn().mockRejectedValue(new ApiError('SOLD_OUT', 409, 'sold out')),
    });
    openPacketPage(api);
    fireEvent.click(await screen.findByTestId('grab-button'));
    expect(await screen.findByTestId('error-message')).toHaveTextContent('红包已被抢完');
  });

  it('offers a link that opens this packet for a friend, copied as a sentence, and sets the link preview', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket()) });
    openPacketPage(api);
    const link = await screen.findByTestId('share-link');
    const url = `${window.location.origin}/#/pages/packet/index?id=p-1`;
    expect(link).toHaveTextContent(url);
    fireEvent.click(screen.getByTestId('copy-share-link'));
    await waitFor(() => expect(clipboard.text).toBe(`李四给你发了一个拼手气流量红包「周末快乐」，点击领取：${url}`));
    expect(document.title).toBe('李四给你发了一个拼手气流量红包「周末快乐」');
    expect(document.head.querySelector('meta[property="og:description"]')).toHaveAttribute('content', '周末快乐');
  });

  it('shows a signed-out friend the cover first, then 登录领取 comes back to grab', async () => {
    localStorage.clear();
    const api = fakeApi({ getRedPacketCover: jest.fn().mockResolvedValue(aCover({ mode: 'equal' })) });
    openPacketPage(api);
    expect(await screen.findByTestId('packet-sender')).toHaveTextContent('李四 的红包');
    expect(screen.getByTestId('packet-greeting')).toHaveTextContent('周末快乐');
    expect(screen.getByTestId('packet-kind')).toHaveTextContent('普通红包');
    expect(navigations).toEqual([]);
    fireEvent.click(screen.getByTestId('sign-in-to-grab'));
    expect(navigations).toContainEqual({ kind: 'redirectTo', url: `/pages/login/index?redirect=${encodeURIComponent('/pages/packet/index?id=p-1&grab=1')}` });
    expect(api.getRedPacket).not.toHaveBeenCalled();
  });

  it("shows the sender's uploaded face on the cover, the generated one otherwise", async () => {
    localStorage.clear();
    const api = fakeApi({ getRedPacketCover: jest.fn().mockResolvedValue(aCover({ senderAvatarUrl: '/api/v1/avatars/f1' })) });
    openPacketPage(api);
    expect(await screen.findByTestId('avatar-image')).toHaveAttribute('src', '/api/v1/avatars/f1');
    expect(screen.queryByTestId('avatar')).not.toBeInTheDocument();
  });

  it('tells a signed-out friend on the cover when the packet is already gone', async () => {
    localStorage.clear();
    const api = fakeApi({ getRedPacketCover: jest.fn().mockResolvedValue(aCover({ status: 'finished' })) });
    openPacketPage(api);
    expect(await screen.findByTestId('packet-finished')).toHaveTextContent('红包已被抢完');
    expect(screen.getByTestId('sign-in-to-grab')).toHaveTextContent('登录查看领取详情');
  });

  it('says a room packet is for its members on the cover, and to a signed-in outsider before any tap', async () => {
    localStorage.clear();
    const cover = aCover({ roomPacket: true, greeting: null });
    const api = fakeApi({ getRedPacketCover: jest.fn().mockResolvedValue(cover) });
    openPacketPage(api);
    expect(await screen.findByTestId('room-only')).toHaveTextContent('只有群里的成员能抢');
  });

  it('shows a signed-in outsider of a room packet that it is not theirs to grab, with no button', async () => {
    const api = fakeApi({
      getRedPacket: jest.fn().mockRejectedValue(new ApiError('NOT_IN_ROOM', 403, 'room')),
      getRedPacketCover: jest.fn().mockResolvedValue(aCover({ roomPacket: true, greeting: null })),
    });
    openPacketPage(api);
    expect(await screen.findByTestId('room-only')).toHaveTextContent('你不在这个群里');
    expect(screen.getByTestId('packet-sender')).toHaveTextContent('李四 的红包');
    expect(screen.queryByTestId('grab-button')).not.toBeInTheDocument();
    expect(screen.queryByTestId('error-message')).not.toBeInTheDocument();
  });

  it('grabs at once after signing in from the cover (grab=1), once', async () => {
    const api = fakeApi({
      getRedPacket: jest.fn().mockResolvedValue(aPacket()),
      grabRedPacket: jest.fn().mockResolvedValue({ amountMb: 42, rank: 1 }),
    });
    const socket = new FakeLiveSocket();
    setRouterParams({ id: 'p-1', grab: '1' });
    renderWithServices(<PacketPage />, { api, connectLive: () => socket });
    expect(await screen.findByTestId('grab-result')).toHaveTextContent('你抢到了42 MB');
    expect(api.grabRedPacket).toHaveBeenCalledTimes(1);
  });

  it('waits for the passphrase instead of grabbing at once when the packet has one', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket({ hasPassphrase: true })), grabRedPacket: jest.fn() });
    setRouterParams({ id: 'p-1', grab: '1' });
    renderWithServices(<PacketPage />, { api, connectLive: () => new FakeLiveSocket() });
    expect(await screen.findByTestId('passphrase-input')).toBeInTheDocument();
    expect(screen.getByTestId('grab-button')).toHaveTextContent('开');
    expect(api.grabRedPacket).not.toHaveBeenCalled();
  });

  it('gives the way back and home from a packet opened by a link', async () => {
    const api = fakeApi({ getRedPacket: jest.fn().mockResolvedValue(aPacket()) });
    openPacketPage(api);
    fireEvent.click(await screen.findByTestId('nav-home'));
    expect(navigations).toContainEqual({ kind: 'reLaunch', url: '/pages/home/index' });
  });

  it('shows the passphrase to whoever may see the packet, as the room sees it in the bot, and fills it on a tap', async () => {
    const api = fakeApi({
      getRedPacket: jest.fn().mockResolvedValue(aPacket({ hasPassphrase: true, passphrase: '芝麻开门' })),
      grabRedPacket: jest.fn().mockResolvedValue({ amountMb: 5, rank: 1 }),
    });
    openPacketPage(api);
    fireEvent.click(await screen.findByTestId('passphrase-shown'));
    expect(screen.getByTestId('passphrase-input')).toHaveValue('芝麻开门');
    fireEvent.click(screen.getByTestId('grab-button'));
    await screen.findByTestId('grab-result');
    expect(api.grabRedPacket).toHaveBeenCalledWith('p-1', { passphrase: '芝麻开门' }, expect.any(String));
  });
});
