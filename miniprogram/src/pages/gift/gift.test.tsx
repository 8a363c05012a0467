import { fireEvent, screen, waitFor } from '@testing-library/react';
import { FALLBACK_LIMITS } from '../../forms/limits';
import { ApiError } from '../../api/errors';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import GiftPage from './index';

function fill(phone: string, amount: string, message = '') {
  fireEvent.change(screen.getByTestId('gift-phone-input'), { target: { value: phone } });
  fireEvent.change(screen.getByTestId('gift-amount-input'), { target: { value: amount } });
  fireEvent.change(screen.getByTestId('gift-message-input'), { target: { value: message } });
  fireEvent.click(screen.getByTestId('gift-button'));
}

const pendingGift = {
  id: 'g-1',
  toPhone: '139****0002',
  amountMb: 100,
  message: null,
  status: 'pending_claim',
  claimDeadline: '2025-11-29T04:00:00.000Z',
};

describe('the give-data page', () => {
  beforeEach(() => signIn());

  it.each([
    ['12345', '100', '', '请输入正确的 11 位手机号'],
    ['13900000002', '', '', '请输入转赠流量数量'],
    ['13900000002', '5', '', '转赠流量至少 10 MB'],
    ['13900000002', '20000', '', '转赠流量最多 10 GB'],
    ['13900000002', '10.5', '', '转赠流量数量请填整数（单位 MB）'],
    ['13900000002', '100', '长'.repeat(61), '留言最多 60 个字'],
  ])('refuses phone %s, amount "%s" in Chinese without calling the service', (phone, amount, message, error) => {
    const api = fakeApi();
    renderWithServices(<GiftPage />, { api });
    fill(phone, amount, message);
    expect(screen.getByTestId('error-message')).toHaveTextContent(error);
    expect(api.giveData).not.toHaveBeenCalled();
  });

  it('explains that an unregistered friend has 72 hours to sign in', async () => {
    const api = fakeApi({ giveData: jest.fn().mockResolvedValue(pendingGift) });
    renderWithServices(<GiftPage />, { api });
    fill('139 0000 0002', '100', '生日快乐');
    const outcome = await screen.findByTestId('gift-result');
    expect(outcome).toHaveTextContent('139****0002 还没有注册流量钱包');
    expect(outcome).toHaveTextContent('72 小时内（11-29 12:00 前）');
    expect(api.giveData).toHaveBeenCalledWith({ toPhone: '13900000002', amountMb: 100, message: '生日快乐' }, expect.any(String));
  });

  it('retries with the same action key after a network failure, and a new one for the next gift', async () => {
    const api = fakeApi({
      giveData: jest
        .fn()
        .mockRejectedValueOnce(new ApiError('NETWORK_FAILURE', 0, 'offline'))
        .mockResolvedValueOnce({ ...pendingGift, status: 'delivered' })
        .mockResolvedValueOnce({ ...pendingGift, status: 'delivered' }),
    });
    renderWithServices(<GiftPage />, { api });
    fill('13900000002', '100');
    expect(await screen.findByTestId('error-message')).toHaveTextContent('网络连接失败，请检查网络后重试');
    fireEvent.click(screen.getByTestId('gift-button'));
    expect(await screen.findByTestId('gift-result')).toHaveTextContent('已送给 139****0002 100 MB，已经到账。');
    fill('13900000002', '100');
    await screen.findByTestId('gift-result');

    const keys = api.giveData.mock.calls.map((call: unknown[]) => call[1]);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('says a refused gift in words', async () => {
    const api = fakeApi({ giveData: jest.fn().mockRejectedValue(new ApiError('SELF_GIFT', 422, 'self')) });
    renderWithServices(<GiftPage />, { api });
    fill('13800000001', '100');
    expect(await screen.findByTestId('error-message')).toHaveTextContent('不能送给自己');
  });

  it('checks the amount against the limits the service is configured with, not built-in copies', async () => {
    const configured = { ...FALLBACK_LIMITS, gift: { ...FALLBACK_LIMITS.gift, minMb: 50, maxMb: 500 } };
    const api = fakeApi({ getLimits: jest.fn().mockResolvedValue(configured) });
    renderWithServices(<GiftPage />, { api });
    await waitFor(() => expect(screen.getByTestId('gift-amount-input')).toHaveAttribute('placeholder', '50 – 500 MB'));
    fill('13900000002', '20');
    expect(screen.getByTestId('error-message')).toHaveTextContent('转赠流量至少 50 MB');
    expect(api.giveData).not.toHaveBeenCalled();
  });
});
