import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { Page } from '../../frame/Page';
import { AGREEMENTS, type AgreementName } from './texts';

/** `pages/terms/index?doc=terms|privacy`: 《用户协议》 or 《隐私政策》. */
export default function TermsPage() {
  const doc: AgreementName = useRouter().params.doc === 'privacy' ? 'privacy' : 'terms';
  const { title, paragraphs } = AGREEMENTS[doc];
  return (
    <Page title={title}>
      <View className='card' data-testid='agreement'>
        <Text className='card-title'>{`《${title}》`}</Text>
        {paragraphs.map((paragraph) => (
          <Text className='terms-text' key={paragraph.slice(0, 12)}>
            {paragraph}
          </Text>
        ))}
      </View>
    </Page>
  );
}
