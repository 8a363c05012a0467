import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import CashoutPage, { ORDER_POLL_MS } from './index';

const product = { id: 'cmcc-100', carrier: 'cmcc', sizeMb: 100, priceMb: 100 };
const order = (status: string) => ({ id: 'o-1', productId: 'cmcc-100', sizeMb: 100, priceMb: 100, status, createdAt: '2026-12-01T00:00:00.000Z', finishedAt: null, attempts: [] });

describe('the cash-out page', () => {
  beforeEach(() => signIn());
  afterEach(() => jest.useRealTimers());

  it('lists my carrier’s packages, confirms with the price, and shows the order until it succeeds', async () => {
    jest.useFakeTimers();
    const api = fakeApi({
      listCashoutProducts: jest.fn().mockResolvedValue({ items: [product] }),
      listCashoutOrders: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      placeCashoutOrder: jest.fn().mockResolvedValue(order('processing')),
      getCashoutOrder: jest.fn().mockResolvedValueOnce(order('processing')).mockResolvedValue(order('succeeded')),
    });
    renderWithServices(<CashoutPage />, { api });
    fireEvent.click(await screen.findByTestId('product-cmcc-100'));
    expect(screen.getByTestId('cashout-confirm')).toHaveTextContent('从钱包扣 100 MB');
    fireEvent.click(screen.getByTestId('cashout-confirm-button'));
    expect(await screen.findByTestId('cashout-status')).toHaveTextContent('充值中');
    expect(api.placeCashoutOrder).toHaveBeenCalledWith('cmcc-100', expect.stringMatching(/^[0-9a-f]{32}$/));
    for (let i = 0; i < 2; i++) await act(async () => void jest.advanceTimersByTime(ORDER_POLL_MS));
    await waitFor(() => expect(screen.getByTestId('cashout-status')).toHaveTextContent('已到账'));
  });

  it('words a refusal and asks for a package before confirming', async () => {
    const api = fakeApi({
      listCashoutProducts: jest.fn().mockResolvedValue({ items: [product] }),
      listCashoutOrders: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      placeCashoutOrder: jest.fn().mockRejectedValue(new ApiError('INSUFFICIENT_BALANCE', 422, 'no')),
    });
    renderWithServices(<CashoutPage />, { api });
    fireEvent.click(await screen.findByTestId('product-cmcc-100'));
    fireEvent.click(screen.getByTestId('cashout-confirm-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent('余额不足'));
  });
});
