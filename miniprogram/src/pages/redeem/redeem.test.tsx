import { fireEvent, screen, waitFor } from '@testing-library/react';
import { couponCodeOf, formatCouponCode } from '@liuliang/shared';
import { ApiError } from '../../api/errors';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import RedeemPage, { checkCouponInput } from './index';

const CODE = couponCodeOf('7Q4MZ0RX9KT2WB6N');
const TYPO = CODE.slice(0, 16) + (CODE[16] === '0' ? '1' : '0');

describe('the redeem-code page', () => {
  beforeEach(() => signIn());
  const type = (value: string) => fireEvent.change(screen.getByTestId('coupon-code-input'), { target: { value } });

  it('redeems a code typed in lower case with spaces, with an Idempotency-Key, and says what it gave', async () => {
    const api = fakeApi({ redeemCoupon: jest.fn().mockResolvedValue({ amountMb: 1024, title: '新春卡密', sponsor: '星河饮料' }) });
    renderWithServices(<RedeemPage />, { api });
    type(formatCouponCode(CODE).toLowerCase().replace(/-/g, ' '));
    fireEvent.click(screen.getByTestId('redeem-button'));
    expect(await screen.findByTestId('redeem-result')).toHaveTextContent('兑换成功！1 GB 已存入钱包（新春卡密，星河饮料 赞助）');
    expect(api.redeemCoupon).toHaveBeenCalledWith(CODE, expect.stringMatching(/^[0-9a-f]{32}$/));
  });

  it('catches a typo and a wrong shape without calling the service', async () => {
    const api = fakeApi();
    renderWithServices(<RedeemPage />, { api });
    type(TYPO);
    fireEvent.click(screen.getByTestId('redeem-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('有字符输错了');
    type('12345');
    fireEvent.click(screen.getByTestId('redeem-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('17 位字母和数字');
    expect(api.redeemCoupon).not.toHaveBeenCalled();
  });

  it.each([
    [new ApiError('ALREADY_REDEEMED', 409, 'spent'), '已经被兑换过了'],
    [new ApiError('COUPON_NOT_FOUND', 404, 'no'), '没有这张卡密'],
    [new ApiError('EXPIRED', 409, 'late'), '卡密已经过期了'],
    [new ApiError('NOT_YET_VALID', 409, 'early'), '还没到可以兑换的时间'],
    [new ApiError('RATE_LIMITED', 429, 'slow down'), '输错太多次了'],
  ])('words the service’s %s', async (failure, words) => {
    renderWithServices(<RedeemPage />, { api: fakeApi({ redeemCoupon: jest.fn().mockRejectedValue(failure) }) });
    type(CODE);
    fireEvent.click(screen.getByTestId('redeem-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent(words));
  });

  it('retries with the same key after an unknown outcome', async () => {
    const redeemCoupon = jest
      .fn()
      .mockRejectedValueOnce(new ApiError('NETWORK_FAILURE', 0, 'lost'))
      .mockResolvedValue({ amountMb: 10, title: 't', sponsor: '' });
    renderWithServices(<RedeemPage />, { api: fakeApi({ redeemCoupon }) });
    type(CODE);
    fireEvent.click(screen.getByTestId('redeem-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toBeInTheDocument());
    fireEvent.click(screen.getByTestId('redeem-button'));
    await screen.findByTestId('redeem-result');
    expect(redeemCoupon.mock.calls[1][1]).toBe(redeemCoupon.mock.calls[0][1]);
  });

  it('reads an empty input as nothing to send', () => {
    expect(checkCouponInput('  ')).toEqual({ ok: false, error: '请填写卡密' });
  });
});
