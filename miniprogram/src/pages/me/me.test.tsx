import { fireEvent, screen, waitFor } from '@testing-library/react';
import { modalAnswer, navigations } from '../../../test/stubs/taro';
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
});
