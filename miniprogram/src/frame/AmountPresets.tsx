import { Button, View } from '@tarojs/components';
import { formatMb, MB_PER_GB } from '@liuliang/shared';

/** The amounts people send most: one tap instead of typing MB. */
const PRESETS_MB = [100, 500, MB_PER_GB] as const;

export function AmountPresets({ onPick, testIdPrefix }: { onPick: (amountMb: number) => void; testIdPrefix: string }) {
  return (
    <View className='presets'>
      {PRESETS_MB.map((amountMb) => (
        <Button key={amountMb} className='preset' data-testid={`${testIdPrefix}-${amountMb}`} onClick={() => onPick(amountMb)}>
          {formatMb(amountMb)}
        </Button>
      ))}
    </View>
  );
}

/** "余额不足：你现在可用 1.5 GB" — what a person needs to decide how much to send instead. */
export function insufficientSentence(availableMb: number | null): string {
  return availableMb === null ? '余额不足' : `余额不足：你现在可用 ${formatMb(availableMb)}`;
}
