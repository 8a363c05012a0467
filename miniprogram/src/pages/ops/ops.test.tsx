import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import OpsPage from './index';

const sponsor = { id: 's-new', name: '星河饮料', budgetMb: 0, warnMb: 0, alertMb: 0, contacts: [], members: [], createdAt: '2026-03-01T00:00:00.000Z' };

const noSponsors = () => jest.fn().mockResolvedValue({ items: [], nextCursor: null });
const listed = (id: string, fundLevel: 'ok' | 'warn' | 'alert', budgetMb: number) => ({
  id,
  name: `赞助商${id}`,
  budgetMb,
  warnMb: 2048,
  alertMb: 1024,
  fundLevel,
  createdAt: '2026-03-01T00:00:00.000Z',
});

describe('the operators page', () => {
  beforeEach(() => signIn());

  it('lists the sponsors with budget and levels, a page at a time', async () => {
    const api = fakeApi({
      listSponsors: jest
        .fn()
        .mockResolvedValueOnce({ items: [listed('s-2', 'alert', 512)], nextCursor: 'c-1' })
        .mockResolvedValueOnce({ items: [listed('s-1', 'ok', 10240)], nextCursor: null }),
    });
    renderWithServices(<OpsPage />, { api });
    expect(await screen.findByTestId('ops-sponsor-s-2')).toHaveTextContent('可用预算 512 MB · 预警 2 GB / 告警 1 GB · 低于告警线');
    fireEvent.click(screen.getByTestId('more-sponsors-button'));
    expect(await screen.findByTestId('ops-sponsor-s-1')).toHaveTextContent('可用预算 10 GB');
    expect(api.listSponsors).toHaveBeenLastCalledWith('c-1');
    expect(screen.queryByTestId('more-sponsors-button')).toBeNull();
  });
  const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

  it('creates a sponsor and tops it up with one key per top-up', async () => {
    const api = fakeApi({
      listSponsors: noSponsors(),
      createSponsor: jest.fn().mockResolvedValue(sponsor),
      topUpSponsor: jest.fn().mockResolvedValue({ id: '1', sponsorId: 's-new', amountMb: 10240, reference: 'INV-1', expiresAt: '2027-03-01T00:00:00.000Z', budgetMb: 10240 }),
    });
    renderWithServices(<OpsPage />, { api });
    type('sponsor-name-input', '星河饮料');
    type('sponsor-owner-input', '13800138000');
    fireEvent.click(screen.getByTestId('create-sponsor-button'));
    expect(await screen.findByTestId('sponsor-created')).toHaveTextContent('s-new');
    expect(screen.getByTestId('topup-sponsor-input')).toHaveValue('s-new');
    expect(api.createSponsor).toHaveBeenCalledWith({ name: '星河饮料', ownerPhone: '13800138000' }, expect.stringMatching(/^[0-9a-f]{32}$/));
    type('topup-amount-input', '10240');
    type('topup-reference-input', 'INV-1');
    fireEvent.click(screen.getByTestId('topup-button'));
    expect(await screen.findByTestId('topup-result')).toHaveTextContent('已入账 10 GB，预算共 10 GB');
    expect(api.topUpSponsor).toHaveBeenCalledWith('s-new', { amountMb: 10240, reference: 'INV-1' }, expect.stringMatching(/^[0-9a-f]{32}$/));
  });

  it('refuses a bad form in words without calling the service, and words a refusal', async () => {
    const api = fakeApi({ listSponsors: noSponsors(), createSponsor: jest.fn().mockRejectedValue(new ApiError('FORBIDDEN', 403, 'no')) });
    renderWithServices(<OpsPage />, { api });
    type('sponsor-name-input', '星河饮料');
    type('sponsor-owner-input', '123');
    fireEvent.click(screen.getByTestId('create-sponsor-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('请输入正确的 11 位手机号');
    type('topup-sponsor-input', 's-1');
    type('topup-amount-input', '100');
    type('topup-reference-input', 'INV 1');
    fireEvent.click(screen.getByTestId('topup-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('付款单号');
    expect(api.topUpSponsor).not.toHaveBeenCalled();
    type('sponsor-owner-input', '13800138000');
    fireEvent.click(screen.getByTestId('create-sponsor-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent('你没有权限这样做'));
  });
});
