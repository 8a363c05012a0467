import type { ReactNode } from 'react';
import { Input, Text, View } from '@tarojs/components';

export interface TextFieldProps {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** A number pad on phones. */
  numeric?: boolean;
  maxLength?: number;
  /** Hints shown under the input. */
  children?: ReactNode;
}

/** A labelled one-line input: the form field every page uses. */
export function TextField({ label, testId, value, onChange, placeholder, numeric, maxLength, children }: TextFieldProps) {
  return (
    <View className='field'>
      <Text className='field-label'>{label}</Text>
      <Input
        className='input'
        data-testid={testId}
        {...(numeric ? { type: 'number' as const } : {})}
        {...(maxLength !== undefined ? { maxlength: maxLength } : {})}
        placeholder={placeholder}
        value={value}
        onInput={(event) => onChange(event.detail.value)}
      />
      {children}
    </View>
  );
}
