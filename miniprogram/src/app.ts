import type { PropsWithChildren } from 'react';
import Taro, { usePageNotFound } from '@tarojs/taro';
import './app.css';
import './frame/frame.css';
import { PAGES } from './navigation';

/** The app shell: Taro renders the current page as `children`. */
function App({ children }: PropsWithChildren) {
  // A link to a page this build does not have lands on a page that says so and leads home.
  usePageNotFound(() => {
    void Taro.redirectTo({ url: PAGES.notFound });
  });
  return children;
}

export default App;
