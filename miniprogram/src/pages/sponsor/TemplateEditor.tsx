import { Text, View } from '@tarojs/components';
import { TextField } from '../../components/TextField';
import { useLimits } from '../../hooks/useLimits';
import { previewTemplate, type TemplateContext } from './activityForm';

/**
 * A message template with its live preview: the SMS a sample person would get (signed, naming
 * the sponsor), how many SMS it takes, and what is wrong with it, where, as the service would say.
 */
export function TemplateEditor(props: { label: string; testId: string; value: string; onChange: (value: string) => void; context: TemplateContext }) {
  const { activitySms } = useLimits();
  const preview = previewTemplate(props.value, props.context, activitySms);
  return (
    <View className='template-editor'>
      <TextField label={props.label} testId={props.testId} value={props.value} onChange={props.onChange} />
      {preview.error !== null && (
        <Text className='error' data-testid={`${props.testId}-problem`}>
          {preview.error}
        </Text>
      )}
      {preview.sms !== null && (
        <View className='muted' data-testid={`${props.testId}-preview`}>
          <Text>{`预览（示例用户）：${preview.sms}`}</Text>
          <Text
            data-testid={`${props.testId}-segments`}
          >{`${preview.chars} 字，${preview.segments} 条短信（每条 ${activitySms.segmentChars} 字，最多 ${activitySms.maxSegments} 条）`}</Text>
        </View>
      )}
    </View>
  );
}
