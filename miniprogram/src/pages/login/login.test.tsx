import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { navigations, setRouterParams } from '../../../test/stubs/taro';
import { ALICE, fakeApi, renderWithServices } from '../../../test/fakes';
import { taroSessionStore } from '../../session/session';
import LoginPage from './index';

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

describe('the sign-in page', () => {
  it('stores the session token and returns to the packet the friend came from', async () => {
    setRouterParams({ redirect: encodeURIComponent('/pages/packet/index?id=p-9') });
    const api = fakeApi({ login: jest.fn().mockResolvedValue({ token: 'fresh-token', refreshToken: 'refresh-token', expiresInSeconds: 3600, user: ALICE }) });
    renderWithServices(<LoginPage />, { api });

    type('phone-input', '13800000001');
    type('code-input', '123456');
    fireEvent.click(screen.getByTestId('consent-box'));
    fireEvent.click(screen.getByTestId('login-button'));

    await waitFor(() => expect(taroSessionStore.readToken()).toBe('fresh-token'));
    expect(api.login).toHaveBeenCalledWith({ phone: '13800000001', code: '123456' });
    expect(taroSessionStore.readUser()).toEqual(ALICE);
    expect(taroSessionStore.readRefreshToken()).toBe('refresh-token');
    expect(navigations).toContainEqual({ kind: 'redirectTo', url: '/pages/packet/index?id=p-9' });
  });

  it('signs up with the invite code of the link a friend sent, and ignores one that is not a code', async () => {
    setRouterParams({ invite: 'invitecode1' });
    const api = fakeApi({ login: jest.fn().mockResolvedValue({ token: 'fresh-token', refreshToken: 'refresh-token', expiresInSeconds: 3600, user: ALICE }) });
    renderWithServices(<LoginPage />, { api });
    type('phone-input', '13800000001');
    type('code-input', '123456');
    fireEvent.click(screen.getByTestId('consent-box'));
    fireEvent.click(screen.getByTestId('login-button'));
    await waitFor(() => expect(api.login).toHaveBeenCalledWith({ phone: '13800000001', code: '123456', invite: 'invitecode1' }));
  });

  it('signs in without an invite when the link carries a malformed one', async () => {
    setRouterParams({ invite: '<script>' });
    const api = fakeApi({ login: jest.fn().mockResolvedValue({ token: 'fresh-token', refreshToken: 'refresh-token', expiresInSeconds: 3600, user: ALICE }) });
    renderWithServices(<LoginPage />, { api });
    type('phone-input', '13800000001');
    type('code-input', '123456');
    fireEvent.click(screen.getByTestId('consent-box'));
    fireEvent.click(screen.getByTestId('login-button'));
    await waitFor(() => expect(api.login).toHaveBeenCalledWith({ phone: '13800000001', code: '123456' }));
  });

  it('goes home after sign-in when there is nowhere else to return to, and ignores a foreign redirect', async () => {
    setRouterParams({ redirect: 'https://evil.example/' });
    const api = fakeApi({ login: jest.fn().mockResolvedValue({ token: 'fresh-token', user: ALICE }) });
    renderWithServices(<LoginPage />, { api });
    type('phone-input', '13800000001');
    type('code-input', '123456');
    fireEvent.click(screen.getByTestId('consent-box'));
    fireEvent.click(screen.getByTestId('login-button'));
    await waitFor(() => expect(navigations).toContainEqual({ kind: 'redirectTo', url: '/pages/home/index' }));
  });

  it('explains a wrong phone number in Chinese and does not call the service', () => {
    const api = fakeApi();
    renderWithServices(<LoginPage />, { api });
    type('phone-input', '1234');
    fireEvent.click(screen.getByTestId('send-code-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('请输入正确的 11 位手机号');
    type('phone-input', '13800000001');
    type('code-input', '12');
    fireEvent.click(screen.getByTestId('consent-box'));
    fireEvent.click(screen.getByTestId('login-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('验证码是 6 位数字');
    expect(api.requestSmsCode).not.toHaveBeenCalled();
    expect(api.login).not.toHaveBeenCalled();
  });

  it('says a wrong code in words and keeps nobody signed in', async () => {
    const api = fakeApi({ login: jest.fn().mockRejectedValue(new ApiError('CODE_INVALID', 400, 'bad code')) });
    renderWithServices(<LoginPage />, { api });
    type('phone-input', '13800000001');
    type('code-input', '000000');
    fireEvent.click(screen.getByTestId('consent-box'));
    fireEvent.click(screen.getByTestId('login-button'));
    expect(await screen.findByTestId('error-message')).toHaveTextContent('验证码不正确');
    expect(taroSessionStore.readToken()).toBeNull();
  });

  it('counts down 60 seconds before a code can be sent again', async () => {
    jest.useFakeTimers();
    try {
      const api = fakeApi({ requestSmsCode: jest.fn().mockResolvedValue({ sent: true, resendAfterSeconds: 60 }) });
      renderWithServices(<LoginPage />, { api });
      type('phone-input', '13800000001');
      await act(async () => {
        fireEvent.click(screen.getByTestId('send-code-button'));
      });
      expect(api.requestSmsCode).toHaveBeenCalledWith('13800000001');
      expect(screen.getByTestId('send-code-button')).toHaveTextContent('60 秒后重发');
      expect(screen.getByTestId('send-code-button')).toBeDisabled();
      for (let second = 0; second < 60; second += 1) {
        act(() => {
          jest.advanceTimersByTime(1000);
        });
      }
      expect(screen.getByTestId('send-code-button')).toHaveTextContent('获取验证码');
      expect(screen.getByTestId('send-code-button')).toBeEnabled();
    } finally {
      jest.useRealTimers();
    }
  });

  it('signs in only after agreeing to 《用户协议》 and 《隐私政策》, and opens them', async () => {
    const api = fakeApi({ login: jest.fn() });
    renderWithServices(<LoginPage />, { api });
    type('phone-input', '13800000001');
    type('code-input', '123456');
    fireEvent.click(screen.getByTestId('login-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('请先阅读并同意《用户协议》和《隐私政策》');
    expect(api.login).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('consent-box'));
    expect(screen.queryByTestId('error-message')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('open-privacy'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/terms/index?doc=privacy' });
  });
});
