import { fireEvent, screen, waitFor } from '@testing-library/react';
import { AVATAR_MAX_BYTES } from '@liuliang/shared';
import { chosenAvatar } from '../../../test/stubs/components';
import { modalAnswer, navigations, weappFiles } from '../../../test/stubs/taro';
import { ApiError } from '../../api/errors';
import { ALICE, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { taroSessionStore } from '../../session/session';
import MePage from './index';

describe('我的', () => {
  beforeEach(() => signIn());

  it('shows the name, a face made from it, the masked number and the plan as 中国移动 · 广东', async () => {
    renderWithServices(<MePage />, { api: fakeApi({ getMe: jest.fn().mockResolvedValue(ALICE) }) });
    expect(await screen.findByTestId('profile-nickname')).toHaveTextContent('张三');
    expect(screen.getAllByTestId('avatar')[0]).toHaveTextContent('三');
    expect(screen.getByText('138****0001')).toBeInTheDocument();
    expect(screen.getByTestId('plan-label')).toHaveTextContent('中国移动 · 广东');
    expect(screen.getByTestId('tabbar')).toBeInTheDocument();
  });

  it('changes the nickname after checking it, and keeps the new name on the device', async () => {
    const api = fakeApi({ getMe: jest.fn().mockResolvedValue(ALICE), rename: jest.fn().mockResolvedValue({ ...ALICE, nickname: '小明' }) });
    renderWithServices(<MePage />, { api });
    fireEvent.click(await screen.findByTestId('edit-nickname'));
    fireEvent.change(screen.getByTestId('nickname-input'), { target: { value: '小\u202E明' } });
    fireEvent.click(screen.getByTestId('nickname-save'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('看不见的字符');
    fireEvent.change(screen.getByTestId('nickname-input'), { target: { value: '   ' } });
    expect(screen.queryByTestId('error-message')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('nickname-save'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('请填写昵称');
    expect(api.rename).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('nickname-input'), { target: { value: ' 小明 ' } });
    fireEvent.click(screen.getByTestId('nickname-save'));
    await waitFor(() => expect(screen.getByTestId('profile-nickname')).toHaveTextContent('小明'));
    expect(api.rename).toHaveBeenCalledWith('小明');
    expect(taroSessionStore.readUser()?.nickname).toBe('小明');
  });

  it('asks before signing out, and stays signed in on 取消', async () => {
    const api = fakeApi({ getMe: jest.fn().mockResolvedValue(ALICE), logout: jest.fn().mockResolvedValue({ signedOut: true }) });
    renderWithServices(<MePage />, { api });
    modalAnswer.confirm = false;
    fireEvent.click(await screen.findByTestId('sign-out'));
    await waitFor(() => expect(modalAnswer.asked).toHaveLength(1));
    expect(api.logout).not.toHaveBeenCalled();
    expect(taroSessionStore.readToken()).not.toBeNull();
  });

  it('signs out once confirmed: tells the service, forgets the session and goes to sign-in', async () => {
    const api = fakeApi({ getMe: jest.fn().mockResolvedValue(ALICE), logout: jest.fn().mockResolvedValue({ signedOut: true }) });
    renderWithServices(<MePage />, { api });
    fireEvent.click(await screen.findByTestId('sign-out'));
    await waitFor(() => expect(navigations).toContainEqual({ kind: 'reLaunch', url: '/pages/login/index' }));
    expect(modalAnswer.asked[0]).toContain('确定退出登录');
    expect(api.logout).toHaveBeenCalledTimes(1);
    expect(taroSessionStore.readToken()).toBeNull();
    expect(taroSessionStore.readRefreshToken()).toBeNull();
  });

  it('turns activity messages off and on', async () => {
    const api = fakeApi({
      getMe: jest.fn().mockResolvedValue(ALICE),
      getMessageSettings: jest.fn().mockResolvedValue({ activityMessages: true }),
      setMessageSettings: jest.fn((settings: { activityMessages: boolean }) => Promise.resolve(settings)),
    });
    renderWithServices(<MePage />, { api });
    const toggle = (await screen.findByTestId('activity-messages-switch')) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    await waitFor(() => expect((screen.getByTestId('activity-messages-switch') as HTMLInputElement).checked).toBe(false));
    expect(api.setMessageSettings).toHaveBeenCalledWith({ activityMessages: false });
    fireEvent.click(screen.getByTestId('activity-messages-switch'));
    await waitFor(() => expect(api.setMessageSettings).toHaveBeenLastCalledWith({ activityMessages: true }));
  });

  it('leads to 流量明细, 红包记录 and the two agreements', async () => {
    renderWithServices(<MePage />, { api: fakeApi({ getMe: jest.fn().mockResolvedValue(ALICE) }) });
    for (const testId of ['go-messages', 'go-lots', 'go-packets', 'go-terms', 'go-privacy']) fireEvent.click(await screen.findByTestId(testId));
    expect(navigations.map((n) => n.url)).toEqual([
      '/pages/messages/index',
      '/pages/lots/index',
      '/pages/packets/index',
      '/pages/terms/index?doc=terms',
      '/pages/terms/index?doc=privacy',
    ]);
  });

  const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const withFace = { ...ALICE, avatarUrl: '/api/v1/avatars/abc' };
  const chooseFile = (file: File) => fireEvent.change(screen.getByTestId('avatar-file'), { target: { files: [file] } });

  it('uploads a face chosen from a file in a browser, shows it, keeps it on the device, and can go back to the generated one', async () => {
    const api = fakeApi({ getMe: jest.fn().mockResolvedValue(ALICE), uploadAvatar: jest.fn().mockResolvedValue(withFace), clearAvatar: jest.fn().mockResolvedValue(ALICE) });
    renderWithServices(<MePage />, { api });
    await screen.findByTestId('profile-nickname');
    expect(screen.queryByTestId('reset-avatar')).not.toBeInTheDocument();
    expect(screen.getByTestId('avatar-file')).toHaveAttribute('accept', 'image/png,image/jpeg,image/webp,image/gif');
    chooseFile(new File([Buffer.from(PNG_BASE64, 'base64')], 'me.png', { type: 'image/png' }));
    await waitFor(() => expect(api.uploadAvatar).toHaveBeenCalledWith(PNG_BASE64));
    expect(await screen.findByTestId('avatar-image')).toHaveAttribute('src', '/api/v1/avatars/abc');
    expect(taroSessionStore.readUser()?.avatarUrl).toBe('/api/v1/avatars/abc');
    fireEvent.click(screen.getByTestId('reset-avatar'));
    await waitFor(() => expect(screen.queryByTestId('avatar-image')).not.toBeInTheDocument());
    expect(screen.getAllByTestId('avatar')[0]).toHaveTextContent('三');
    expect(taroSessionStore.readUser()?.avatarUrl).toBeNull();
  });

  it('refuses a file over the size limit before sending it, and words a refusal by the service', async () => {
    const api = fakeApi({
      getMe: jest.fn().mockResolvedValue(ALICE),
      uploadAvatar: jest.fn().mockRejectedValue(new ApiError('VALIDATION_FAILED', 400, 'The image must be a PNG, JPEG, WebP or GIF.')),
    });
    renderWithServices(<MePage />, { api });
    await screen.findByTestId('profile-nickname');
    chooseFile(new File([new Uint8Array(AVATAR_MAX_BYTES + 1)], 'huge.png', { type: 'image/png' }));
    expect(screen.getByTestId('error-message')).toHaveTextContent('图片太大了，请选一张 512 KB 以内的图片');
    expect(api.uploadAvatar).not.toHaveBeenCalled();
    chooseFile(new File(['<svg/>'], 'face.svg', { type: 'image/png' }));
    expect(await screen.findByText('请选择 PNG、JPEG、WebP 或 GIF 图片')).toBeInTheDocument();
    expect(screen.queryByTestId('avatar-image')).not.toBeInTheDocument();
  });

  it("uses WeChat's avatar chooser on weapp and sends the chosen file's bytes", async () => {
    process.env.TARO_ENV = 'weapp';
    try {
      weappFiles.set('wxfile://tmp/face.png', PNG_BASE64);
      chosenAvatar.path = 'wxfile://tmp/face.png';
      const api = fakeApi({ getMe: jest.fn().mockResolvedValue(ALICE), uploadAvatar: jest.fn().mockResolvedValue(withFace) });
      renderWithServices(<MePage />, { api });
      const chooser = await screen.findByTestId('choose-avatar');
      expect(chooser).toHaveAttribute('data-open-type', 'chooseAvatar');
      expect(screen.queryByTestId('avatar-file')).not.toBeInTheDocument();
      fireEvent.click(chooser);
      await waitFor(() => expect(api.uploadAvatar).toHaveBeenCalledWith(PNG_BASE64));
      expect(await screen.findByTestId('avatar-image')).toBeInTheDocument();
    } finally {
      process.env.TARO_ENV = 'h5';
    }
  });

  it('shows the unread lines of 消息 on its row and on the 我的 tab', async () => {
    const api = fakeApi({
      getMe: jest.fn().mockResolvedValue(ALICE),
      getWallet: jest.fn().mockResolvedValue({ balanceMb: 500, lots: [{ amountMb: 200, expiresAt: '2025-11-30T15:59:59.999Z' }], expiringSoonMb: 200 }),
      listWalletEntries: jest.fn().mockResolvedValue({
        items: [
          {
            id: 'e-2',
            kind: 'gift_refund',
            direction: 'in',
            amountMb: 50,
            counterparty: { type: 'account', account: 'gift' },
            refType: 'gift',
            refId: '3',
            memo: null,
            at: '2025-11-26T04:00:00.000Z',
            arrivedExpiry: null,
          },
          {
            id: 'e-1',
            kind: 'deposit',
            direction: 'in',
            amountMb: 50,
            counterparty: { type: 'account', account: 'carrier_plan' },
            refType: null,
            refId: null,
            memo: null,
            at: '2025-11-25T04:00:00.000Z',
            arrivedExpiry: null,
          },
        ],
        nextCursor: null,
      }),
      getNoticeReads: jest.fn().mockResolvedValue({ readIds: ['e-2'] }),
    });
    renderWithServices(<MePage />, { api });
    // The expiry warning is unread; the refund was read; a deposit is no line of 消息.
    expect(await screen.findByTestId('go-messages-badge')).toHaveTextContent('1');
    expect(screen.getByTestId('tab-badge-me')).toHaveTextContent('1');
    expect(screen.getByTestId('tab-badge-me')).toHaveAttribute('aria-label', '1 条未读');
    expect(screen.queryByTestId('tab-badge-home')).not.toBeInTheDocument();
  });
});
