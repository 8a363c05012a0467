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

/** Fills the form, then confirms on the sheet that names the recipient. */
async function fillAndConfirm(phone: string, amount: string, message = '') {
  fill(phone, amount, message);
  fireEvent.click(await screen.findByTestId('gift-confirm'));
}

const unregistered = { maskedPhone: '139****0002', registered: false, nickname: null };

/** An API with a wallet of 2 GB and a recipient who has not registered, unless the test says otherwise. */
function giftApi(answers: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    getWallet: jest.fn().mockResolvedValue({ balanceMb: 2048, lots: [], expiringSoonMb: 0 }),
    lookupRecipient: jest.fn().mockResolvedValue(unregistered),
    ...answers,
  });
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
    const api = giftApi({ giveData: jest.fn().mockResolvedValue(pendingGift) });
    renderWithServices(<GiftPage />, { api });
    fill('139 0000 0002', '100', '生日快乐');
    const recipient = await screen.findByTestId('gift-recipient');
    expect(recipient).toHaveTextContent('139****0002');
    expect(recipient).toHaveTextContent('未注册，72 小时内登录领取');
    expect(api.giveData).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('gift-confirm'));
    const outcome = await screen.findByTestId('gift-result');
    expect(outcome).toHaveTextContent('139****0002 还没有注册流量钱包');
    expect(outcome).toHaveTextContent('72 小时内（11-29 12:00 前）');
    expect(api.giveData).toHaveBeenCalledWith({ toPhone: '13900000002', amountMb: 100, message: '生日快乐' }, expect.any(String));
  });

  it('retries with the same action key after a network failure, and a new one for the next gift', async () => {
    const api = giftApi({
      giveData: jest
        .fn()
        .mockRejectedValueOnce(new ApiError('NETWORK_FAILURE', 0, 'offline'))
        .mockResolvedValueOnce({ ...pendingGift, status: 'delivered' })
        .mockResolvedValueOnce({ ...pendingGift, status: 'delivered' }),
    });
    renderWithServices(<GiftPage />, { api });
    await fillAndConfirm('13900000002', '100');
    expect(await screen.findByTestId('error-message')).toHaveTextContent('网络连接失败，请检查网络后重试');
    fireEvent.click(screen.getByTestId('gift-button'));
    fireEvent.click(await screen.findByTestId('gift-confirm'));
    expect(await screen.findByTestId('gift-result')).toHaveTextContent('已送给 139****0002 100 MB，已经到账。');
    await fillAndConfirm('13900000002', '100');
    await waitFor(() => expect(api.giveData).toHaveBeenCalledTimes(3));

    const keys = api.giveData.mock.calls.map((call: unknown[]) => call[1]);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('says a refused gift in words', async () => {
    const api = giftApi({ giveData: jest.fn().mockRejectedValue(new ApiError('SELF_GIFT', 422, 'self')) });
    renderWithServices(<GiftPage />, { api });
    await fillAndConfirm('13800000001', '100');
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

  it('names a registered recipient with a masked number on the sheet, and sends nothing on 取消', async () => {
    const api = giftApi({ lookupRecipient: jest.fn().mockResolvedValue({ maskedPhone: '139****0002', registered: true, nickname: '小红' }), giveData: jest.fn() });
    renderWithServices(<GiftPage />, { api });
    fill('13900000002', '100');
    const recipient = await screen.findByTestId('gift-recipient');
    expect(recipient).toHaveTextContent('小红');
    expect(recipient).toHaveTextContent('139****0002');
    expect(recipient).not.toHaveTextContent('未注册');
    fireEvent.click(screen.getByTestId('gift-cancel'));
    expect(screen.queryByTestId('gift-confirm-sheet')).not.toBeInTheDocument();
    expect(api.giveData).not.toHaveBeenCalled();
  });

  it('shows the available balance, fills presets, says how much is available when it is not enough, and clears the error on change', async () => {
    const api = giftApi({ getWallet: jest.fn().mockResolvedValue({ balanceMb: 300, lots: [], expiringSoonMb: 0 }) });
    renderWithServices(<GiftPage />, { api });
    expect(await screen.findByText('可用余额 300 MB')).toBeInTheDocument();
    fireEvent.change(screen.getByTestId('gift-phone-input'), { target: { value: '13900000002' } });
    fireEvent.click(screen.getByTestId('gift-preset-500'));
    expect(screen.getByTestId('gift-amount-input')).toHaveValue('500');
    fireEvent.click(screen.getByTestId('gift-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('余额不足：你现在可用 300 MB');
    expect(api.lookupRecipient).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('gift-preset-100'));
    expect(screen.queryByTestId('error-message')).not.toBeInTheDocument();
  });

  it('names the first invalid field when several are wrong', () => {
    renderWithServices(<GiftPage />, { api: giftApi() });
    fill('123', '5', '长'.repeat(61));
    expect(screen.getByTestId('error-message')).toHaveTextContent('请输入正确的 11 位手机号');
  });

  it('words a refused gift for lack of balance with what is available', async () => {
    const api = giftApi({ giveData: jest.fn().mockRejectedValue(new ApiError('INSUFFICIENT_BALANCE', 422, 'poor')) });
    renderWithServices(<GiftPage />, { api });
    await screen.findByText('可用余额 2 GB');
    await fillAndConfirm('13900000002', '100');
    expect(await screen.findByTestId('error-message')).toHaveTextContent('余额不足：你现在可用 2 GB');
  });
});
