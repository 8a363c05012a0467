import { fireEvent, screen } from '@testing-library/react';
import { navigations, setRouterParams } from '../../../test/stubs/taro';
import NotFoundPage from '../not-found/index';
import TermsPage from './index';

describe('the agreements and the unknown page', () => {
  it('shows 《隐私政策》 with what is stored and why', () => {
    setRouterParams({ doc: 'privacy' });
    render();
    expect(screen.getByTestId('agreement')).toHaveTextContent('《隐私政策》');
    expect(screen.getByTestId('agreement')).toHaveTextContent('手机号');
    expect(document.title).toBe('隐私政策');
  });

  it('shows 《用户协议》 by default', () => {
    setRouterParams({});
    render();
    expect(screen.getByTestId('agreement')).toHaveTextContent('《用户协议》');
  });

  it('says a page does not exist and leads home', () => {
    renderPlain(<NotFoundPage />);
    expect(screen.getByTestId('not-found')).toHaveTextContent('这个页面不存在');
    fireEvent.click(screen.getByTestId('not-found-home'));
    expect(navigations).toContainEqual({ kind: 'reLaunch', url: '/pages/home/index' });
  });
});

import { render as renderPlain } from '@testing-library/react';
function render() {
  renderPlain(<TermsPage />);
}
