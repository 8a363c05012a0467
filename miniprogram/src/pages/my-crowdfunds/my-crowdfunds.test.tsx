import { fireEvent, screen, waitFor } from '@testing-library/react';
import { navigations } from '../../../test/stubs/taro';
import { aCrowdfund, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import MyCrowdfundsPage from './index';

const summary = (id: string, title: string, extra: object = {}) => {
  const { pledges: _pledges, ...rest } = aCrowdfund({ id, title, ...extra });
  return rest;
};

describe('the my-crowdfunds page', () => {
  beforeEach(() => signIn());

  it('lists the crowdfunds I started, pages on, switches to those I supported, and opens one', async () => {
    const listCrowdfunds = jest
      .fn()
      .mockResolvedValueOnce({ items: [summary('cf-2', '二', { raisedMb: 300 })], nextCursor: '7' })
      .mockResolvedValueOnce({ items: [summary('cf-1', '一', { status: 'succeeded', raisedMb: 1000 })], nextCursor: null })
      .mockResolvedValueOnce({ items: [summary('cf-9', '朋友的', { status: 'failed' })], nextCursor: null });
    const api = fakeApi({ listCrowdfunds });
    renderWithServices(<MyCrowdfundsPage />, { api });
    expect(await screen.findAllByTestId('crowdfund-item')).toHaveLength(1);
    expect(screen.getByTestId('crowdfund-item')).toHaveTextContent('进行中');
    fireEvent.click(screen.getByTestId('crowdfunds-more'));
    await waitFor(() => expect(screen.getAllByTestId('crowdfund-item')).toHaveLength(2));
    expect(listCrowdfunds).toHaveBeenNthCalledWith(2, { mine: 'created', cursor: '7' });
    expect(screen.queryByTestId('crowdfunds-more')).not.toBeInTheDocument();

    fireEvent.click(screen.getByTestId('crowdfunds-pledged'));
    await waitFor(() => expect(screen.getByTestId('crowdfund-item')).toHaveTextContent('朋友的'));
    expect(listCrowdfunds).toHaveBeenNthCalledWith(3, { mine: 'pledged', cursor: null });
    expect(screen.getByTestId('crowdfund-item')).toHaveTextContent('未达成');
    fireEvent.click(screen.getByTestId('crowdfund-item'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/crowdfund/index?id=cf-9' });
    fireEvent.click(screen.getByTestId('go-create-crowdfund'));
    expect(navigations).toContainEqual({ kind: 'navigateTo', url: '/pages/crowdfund-create/index' });
  });
});
