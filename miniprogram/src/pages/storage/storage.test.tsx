import { fireEvent, screen } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import StoragePage from './index';

const storage = { plan: { totalMb: 10240, usedMb: 4096, remainingMb: 6144 }, bankedThisMonthMb: 0, bankableMb: 6144 };

function bank(amount: string) {
  fireEvent.change(screen.getByTestId('deposit-amount-input'), { target: { value: amount } });
  fireEvent.click(screen.getByTestId('deposit-button'));
}

describe('the bank-plan-data page', () => {
  beforeEach(() => signIn());

  it('shows this month’s plan and how much may still be banked', async () => {
    renderWithServices(<StoragePage />, { api: fakeApi({ getStorage: jest.fn().mockResolvedValue(storage) }) });
    expect(await screen.findByTestId('bankable')).toHaveTextContent('6 GB');
    expect(screen.getByTestId('plan')).toHaveTextContent('已使用4 GB');
  });

  it.each([
    ['', '请输入转存流量数量'],
    ['9', '转存流量至少 10 MB'],
    ['7000', '转存流量最多 6 GB'],
  ])('refuses "%s" with "%s" without calling the service', async (amount, error) => {
    const api = fakeApi({ getStorage: jest.fn().mockResolvedValue(storage) });
    renderWithServices(<StoragePage />, { api });
    await screen.findByTestId('bankable');
    bank(amount);
    expect(screen.getByTestId('error-message')).toHaveTextContent(error);
    expect(api.bankPlanData).not.toHaveBeenCalled();
  });

  it('explains a deposit the carrier is still processing', async () => {
    const api = fakeApi({
      getStorage: jest.fn().mockResolvedValue(storage),
      bankPlanData: jest.fn().mockResolvedValue({ id: 'd-1', amountMb: 500, status: 'pending', expiresAt: null }),
    });
    renderWithServices(<StoragePage />, { api });
    await screen.findByTestId('bankable');
    bank('500');
    expect(await screen.findByTestId('deposit-result')).toHaveTextContent('运营商处理中');
    expect(api.bankPlanData).toHaveBeenCalledWith({ amountMb: 500 }, expect.any(String));
  });

  it('tells the completed deposit with its expiry day in Shanghai', async () => {
    const api = fakeApi({
      getStorage: jest.fn().mockResolvedValue(storage),
      bankPlanData: jest.fn().mockResolvedValue({ id: 'd-1', amountMb: 500, status: 'completed', expiresAt: '2026-02-28T15:59:59.999Z' }),
    });
    renderWithServices(<StoragePage />, { api });
    await screen.findByTestId('bankable');
    bank('500');
    expect(await screen.findByTestId('deposit-result')).toHaveTextContent('已转存 500 MB 到钱包，有效期至 2026-02-28');
  });

  it('says the monthly cap and what is left from the rule the service sent', async () => {
    const api = fakeApi({
      getStorage: jest.fn().mockResolvedValue(storage),
      bankPlanData: jest.fn().mockRejectedValue(new ApiError('LIMIT_EXCEEDED', 422, 'cap', { rule: 'deposit.monthly', limit: 10240, remainingMb: 300 })),
    });
    renderWithServices(<StoragePage />, { api });
    await screen.findByTestId('bankable');
    bank('500');
    expect(await screen.findByTestId('error-message')).toHaveTextContent('每月最多转存 10 GB，本月还能转存 300 MB');
  });
});
