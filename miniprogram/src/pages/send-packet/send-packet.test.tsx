import { fireEvent, screen, waitFor } from '@testing-library/react';
import { navigations } from '../../../test/stubs/taro';
import { aPacket, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import SendPacketPage from './index';
import { packetRequestFrom } from './packetForm';
import { FALLBACK_LIMITS } from '../../forms/limits';

describe('the send-a-red-packet page', () => {
  beforeEach(() => signIn());

  function fill(amount: string, count: string) {
    fireEvent.change(screen.getByTestId('packet-amount-input'), { target: { value: amount } });
    fireEvent.change(screen.getByTestId('packet-count-input'), { target: { value: count } });
  }

  it('sends a random packet and opens its page', async () => {
    const api = fakeApi({ sendRedPacket: jest.fn().mockResolvedValue(aPacket({ id: 'p-new' })) });
    renderWithServices(<SendPacketPage />, { api });
    fill('100', '5');
    fireEvent.change(screen.getByTestId('packet-passphrase-input'), { target: { value: '芝麻开门' } });
    expect(screen.getByTestId('packet-total')).toHaveTextContent('共 100 MB');
    fireEvent.click(screen.getByTestId('send-packet-button'));
    await waitFor(() => expect(navigations).toContainEqual({ kind: 'redirectTo', url: '/pages/packet/index?id=p-new' }));
    expect(api.sendRedPacket).toHaveBeenCalledWith(
      { mode: 'random', totalMb: 100, count: 5, greeting: '恭喜发财，大吉大利', passphrase: '芝麻开门' },
      expect.any(String),
    );
  });

  it('sends an equal packet by the amount of each share', async () => {
    const api = fakeApi({ sendRedPacket: jest.fn().mockResolvedValue(aPacket()) });
    renderWithServices(<SendPacketPage />, { api });
    fireEvent.click(screen.getByTestId('mode-equal'));
    fill('512', '3');
    expect(screen.getByTestId('packet-total')).toHaveTextContent('共 1.5 GB');
    fireEvent.click(screen.getByTestId('send-packet-button'));
    await waitFor(() => expect(api.sendRedPacket).toHaveBeenCalled());
    expect(api.sendRedPacket.mock.calls[0][0]).toMatchObject({ mode: 'equal', perShareMb: 512, count: 3 });
  });

  it('refuses fewer MB than shares in Chinese without calling the service', () => {
    const api = fakeApi();
    renderWithServices(<SendPacketPage />, { api });
    fill('3', '5');
    fireEvent.click(screen.getByTestId('send-packet-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('每个红包至少 1 MB，5 个红包总额至少 5 MB');
    expect(api.sendRedPacket).not.toHaveBeenCalled();
  });
});

describe('packetRequestFrom', () => {
  const base = { mode: 'random' as const, amountText: '100', countText: '10', greeting: '', passphrase: '' };
  it.each([
    [{ countText: '0' }, '至少发 1 个红包'],
    [{ countText: '201' }, '一次最多发 200 个红包'],
    [{ amountText: '102401' }, '红包总额最多 100 GB'],
    [{ mode: 'equal' as const, amountText: '1024', countText: '101' }, '红包总额最多 100 GB'],
    [{ passphrase: '口'.repeat(33) }, '口令最多 32 个字'],
    [{ greeting: '福'.repeat(61) }, '祝福语最多 60 个字'],
  ])('refuses %o with "%s"', (change, error) => {
    expect(packetRequestFrom({ ...base, ...change }, FALLBACK_LIMITS.redPacket)).toEqual({ ok: false, error });
  });
});
