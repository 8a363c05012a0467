import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Page } from '../../frame/Page';
import { PAGES } from '../../navigation';

/** Where a link to a page this app does not have lands: says so, and leads home. */
export default function NotFoundPage() {
  return (
    <Page title='页面不存在'>
      <View className='card' data-testid='not-found'>
        <Text className='card-title'>这个页面不存在</Text>
        <Text className='muted'>链接可能不完整或已经失效。回到首页看看你的流量钱包吧。</Text>
        <Button className='btn-primary' data-testid='not-found-home' onClick={() => Taro.reLaunch({ url: PAGES.home })}>
          回到首页
        </Button>
      </View>
    </Page>
  );
}
