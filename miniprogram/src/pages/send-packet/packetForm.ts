import { formatMb, type Limits, type RedPacketCreate } from '@liuliang/shared';
import { checkAmountMb, checkGreeting, checkPacketCount, checkPassphrase, parseWholeMb, type Checked } from '../../forms/validation';

export type PacketMode = RedPacketCreate['mode'];

export interface PacketFormInput {
  mode: PacketMode;
  /** The total for random (拼手气) packets, the per-share amount for equal (普通) ones. */
  amountText: string;
  countText: string;
  greeting: string;
  passphrase: string;
}

/** The form as a request the service accepts, or the first thing to fix, in words. */
export function packetRequestFrom(input: PacketFormInput, limits: Limits['redPacket']): Checked<RedPacketCreate> {
  const { maxTotalMb, minShareMb } = limits;
  const count = checkPacketCount(input.countText);
  if (!count.ok) return count;
  const greeting = checkGreeting(input.greeting);
  if (!greeting.ok) return greeting;
  const passphrase = checkPassphrase(input.passphrase);
  if (!passphrase.ok) return passphrase;
  const optional = {
    ...(greeting.value === undefined ? {} : { greeting: greeting.value }),
    ...(passphrase.value === undefined ? {} : { passphrase: passphrase.value }),
  };

  if (input.mode === 'random') {
    const total = checkAmountMb(input.amountText, { minMb: minShareMb, maxMb: maxTotalMb }, '红包总额');
    if (!total.ok) return total;
    if (total.value < count.value * minShareMb) {
      return { ok: false, error: `每个红包至少 ${formatMb(minShareMb)}，${count.value} 个红包总额至少 ${formatMb(count.value)}` };
    }
    return { ok: true, value: { mode: 'random', totalMb: total.value, count: count.value, ...optional } };
  }

  const perShare = checkAmountMb(input.amountText, { minMb: minShareMb, maxMb: maxTotalMb }, '单个红包');
  if (!perShare.ok) return perShare;
  if (perShare.value * count.value > maxTotalMb) {
    return { ok: false, error: `红包总额最多 ${formatMb(maxTotalMb)}` };
  }
  return { ok: true, value: { mode: 'equal', perShareMb: perShare.value, count: count.value, ...optional } };
}

/** What the packet will cost the sender, for the summary under the form; null until the form makes sense. */
export function packetTotalMb(input: PacketFormInput): number | null {
  const amountMb = parseWholeMb(input.amountText);
  if (amountMb === null || input.mode === 'random') return amountMb;
  const count = parseWholeMb(input.countText);
  if (count === null) return null;
  const totalMb = amountMb * count;
  return Number.isSafeInteger(totalMb) ? totalMb : null;
}
