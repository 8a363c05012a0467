import { Text, View } from '@tarojs/components';

/** The one place a page shows what went wrong, always in words (see api/errors.ts). */
export function ErrorMessage({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <View className='error-message' data-testid='error-message'>
      <Text>{message}</Text>
    </View>
  );
}
