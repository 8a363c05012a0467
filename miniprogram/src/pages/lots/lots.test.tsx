import { screen } from '@testing-library/react';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import LotsPage from './index';

describe('流量明细', () => {
  beforeEach(() => signIn());

  it('lists every lot with its expiry, earliest first, and marks those about to expire', async () => {
    const soon = new Date(Date.now() + 3 * 24 * 60 * 60 * 1000 - 60_000).toISOString();
    const api = fakeApi({
      getWallet: jest.fn().mockResolvedValue({
        balanceMb: 1600,
        lots: [
          { amountMb: 1024, expiresAt: '2099-02-28T15:59:59.999Z' },
          { amountMb: 576, expiresAt: soon },
          { amountMb: 0, expiresAt: '2099-01-31T15:59:59.999Z' },
        ],
        expiringSoonMb: 576,
      }),
    });
    renderWithServices(<LotsPage />, { api });
    const lots = await screen.findAllByTestId('lot');
    expect(lots).toHaveLength(2);
    expect(lots[0]).toHaveTextContent('576 MB');
    expect(lots[0]).toHaveTextContent('3 天后过期');
    expect(lots[1]).toHaveTextContent('1 GB');
    expect(lots[1]).toHaveTextContent('2099-02-28 过期');
    expect(screen.getByText('共 1.56 GB，分 2 批')).toBeInTheDocument();
  });

  it('says so for an empty wallet', async () => {
    renderWithServices(<LotsPage />, { api: fakeApi({ getWallet: jest.fn().mockResolvedValue({ balanceMb: 0, lots: [], expiringSoonMb: 0 }) }) });
    expect(await screen.findByTestId('lots-empty')).toBeInTheDocument();
  });
});
