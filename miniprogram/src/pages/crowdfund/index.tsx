import { useRouter, useShareAppMessage } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { CrowdfundView } from './CrowdfundView';
import { crowdfundPagePath } from '../../navigation';

/** `pages/crowdfund/index?id=…`: one crowdfund, live. */
export default function CrowdfundPage() {
  const crowdfundId = useRouter().params.id ?? '';
  useShareAppMessage(() => ({ title: '帮我众筹流量，未达成全额退回', path: crowdfundPagePath(crowdfundId) }));
  if (!crowdfundId) return <View className='page' />;
  return <CrowdfundView crowdfundId={crowdfundId} />;
}
