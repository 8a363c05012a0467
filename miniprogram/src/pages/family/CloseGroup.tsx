import { Button, Text, View } from '@tarojs/components';
import { formatMb, type ShareGroup } from '@liuliang/shared';
import { useState } from 'react';
import { useSubmission } from '../../hooks/useSubmission';
import { useServices } from '../../services';

interface CloseGroupProps {
  group: ShareGroup;
  onClosed: (group: ShareGroup) => void;
  onFailed: (failure: unknown) => void;
}

/** The owner closes the group; a first tap only asks, since it releases every member at once. */
export function CloseGroup({ group, onClosed, onFailed }: CloseGroupProps) {
  const { api } = useServices();
  const [asking, setAsking] = useState(false);
  const { submitting, submit } = useSubmission();

  async function close() {
    if (!asking) return setAsking(true);
    try {
      onClosed(await submit({ close: group.id }, (key) => api.closeShareGroup(group.id, key)));
    } catch (failure) {
      onFailed(failure);
    }
  }

  return (
    <View className='field'>
      {asking && (
        <Text className='field-hint' data-testid='family-close-warning'>{`解散后所有成员都会移出，流量池里的 ${formatMb(group.poolMb)} 退回你的钱包。再点一次确认。`}</Text>
      )}
      <Button className='btn-link' data-testid='family-close-button' disabled={submitting} onClick={close}>
        {asking ? '确认解散' : '解散家庭组'}
      </Button>
    </View>
  );
}
