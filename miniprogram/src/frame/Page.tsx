import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, type ReactNode } from 'react';
import { PAGES } from '../navigation';

/** The three places at the top of the app; every other page is reached from one of them. */
type Tab = 'home' | 'packets' | 'me';

const TABS: Array<{ tab: Tab; label: string; icon: string; url: string }> = [
  { tab: 'home', label: '首页', icon: '⌂', url: PAGES.home },
  { tab: 'packets', label: '红包', icon: '✉', url: PAGES.packets },
  { tab: 'me', label: '我的', icon: '☺', url: PAGES.me },
];

export interface PageProps {
  /** The page's name: the navigation bar's title and the browser tab's. */
  title: string;
  /** A tab page shows the tab bar; any other page a navigation bar with 返回 / 首页. */
  tab?: Tab;
  /** A count shown on a tab (the unread lines of 消息 on 我的); nothing when zero. */
  badges?: Partial<Record<Tab, number>>;
  className?: string;
  children?: ReactNode;
}

/** A red count on a tab or a row (99+ past 99), read out as 条未读; nothing for zero. */
export function TabBadge({ count, testId }: { count: number; testId: string }) {
  if (count <= 0) return null;
  return (
    <Text className='unread-badge' data-testid={testId} aria-label={`${count} 条未读`}>
      {count > 99 ? '99+' : String(count)}
    </Text>
  );
}

/** Back when there is somewhere to go back to; otherwise (a page opened by a link) home. */
function goBackOrHome(): void {
  const depth = typeof Taro.getCurrentPages === 'function' ? Taro.getCurrentPages().length : 0;
  if (depth > 1) void Taro.navigateBack();
  else void Taro.reLaunch({ url: PAGES.home });
}

/**
 * The frame every page wraps its content in: a navigation bar (H5; weapp has its own, so only
 * the way home is added there) or the tab bar, and a column capped in width on a desktop.
 */
export function Page({ title, tab, badges, className, children }: PageProps) {
  useEffect(() => {
    // The browser tab's title on H5; weapp's own navigation bar elsewhere.
    Taro.setNavigationBarTitle({ title }).catch(() => undefined);
  }, [title]);
  const h5 = process.env.TARO_ENV !== 'weapp';
  return (
    <View className={`page${tab ? ' page-with-tabs' : ''}${className ? ` ${className}` : ''}`}>
      {!tab && (
        <View className='navbar' data-testid='navbar'>
          <View className='navbar-side'>
            <Text className='navbar-button' data-testid='nav-back' onClick={goBackOrHome}>
              ‹ 返回
            </Text>
          </View>
          {h5 && <Text className='navbar-title'>{title}</Text>}
          <View className='navbar-side navbar-side-end'>
            <Text className='navbar-button' data-testid='nav-home' onClick={() => Taro.reLaunch({ url: PAGES.home })}>
              首页
            </Text>
          </View>
        </View>
      )}
      {children}
      {tab && (
        <View className='tabbar' data-testid='tabbar'>
          {TABS.map((item) => (
            <View
              key={item.tab}
              className={`tabbar-item${item.tab === tab ? ' tabbar-item-active' : ''}`}
              data-testid={`tab-${item.tab}`}
              onClick={() => item.tab !== tab && Taro.reLaunch({ url: item.url })}
            >
              <Text className='tabbar-icon'>{item.icon}</Text>
              <Text className='tabbar-label'>{item.label}</Text>
              <TabBadge count={badges?.[item.tab] ?? 0} testId={`tab-badge-${item.tab}`} />
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
