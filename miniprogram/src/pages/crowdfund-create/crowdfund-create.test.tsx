import { fireEvent, screen, waitFor } from '@testing-library/react';
import { navigations } from '../../../test/stubs/taro';
import { aCrowdfund, fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import CreateCrowdfundPage from './index';

describe('the create-crowdfund page', () => {
  beforeEach(() => signIn());

  it('starts a crowdfund with the chosen duration and opens its page', async () => {
    const api = fakeApi({ createCrowdfund: jest.fn().mockResolvedValue(aCrowdfund({ id: 'cf-new' })) });
    renderWithServices(<CreateCrowdfundPage />, { api });
    fireEvent.change(screen.getByTestId('crowdfund-title-input'), { target: { value: ' 换新手机 ' } });
    fireEvent.change(screen.getByTestId('crowdfund-goal-input'), { target: { value: '2048' } });
    expect(screen.getByText('约 2 GB')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('crowdfund-duration-604800'));
    const before = Date.now();
    fireEvent.click(screen.getByTestId('crowdfund-create-button'));
    await waitFor(() => expect(navigations).toContainEqual({ kind: 'redirectTo', url: '/pages/crowdfund/index?id=cf-new' }));
    const [request, key] = api.createCrowdfund.mock.calls[0];
    expect(request).toMatchObject({ title: '换新手机', goalMb: 2048 });
    const aheadMs = Date.parse(request.deadline) - before;
    expect(aheadMs).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(aheadMs).toBeLessThan(7 * 86_400_000 + 60_000);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('checks the title and the goal against the limits before asking the service', async () => {
    const api = fakeApi();
    renderWithServices(<CreateCrowdfundPage />, { api });
    fireEvent.click(screen.getByTestId('crowdfund-create-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('请写上众筹标题');
    fireEvent.change(screen.getByTestId('crowdfund-title-input'), { target: { value: '旅行' } });
    fireEvent.change(screen.getByTestId('crowdfund-goal-input'), { target: { value: '50' } });
    fireEvent.click(screen.getByTestId('crowdfund-create-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('众筹目标至少 100 MB');
    expect(api.createCrowdfund).not.toHaveBeenCalled();
  });
});
