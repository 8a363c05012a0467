import { formatMb, GIFT_MESSAGE_MAX_CHARS, MAX_REQUEST_AMOUNT_MB, PhoneSchema, RED_PACKET_GREETING_MAX_CHARS, RED_PACKET_MAX_COUNT, RED_PACKET_PASSPHRASE_MAX_CHARS, trimPunctuation } from '@liuliang/shared';

/** A checked form field: the value to send, or a sentence saying what to fix. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T,>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T,>(error: string): Checked<T> => ({ ok: false, error });

export function checkPhone(text: string): Checked<string> {
  const phone = text.replace(/\s+/g, '');
  if (phone === '') return fail('请输入手机号');
  // The same rule the service validates with, from shared/.
  if (!PhoneSchema.safeParse(phone).success) return fail('请输入正确的 11 位手机号');
  return ok(phone);
}

export function checkSmsCode(text: string): Checked<string> {
  const code = text.trim();
  if (code === '') return fail('请输入验证码');
  if (!/^\d{6}$/.test(code)) return fail('验证码是 6 位数字');
  return ok(code);
}

/** A whole number of MB typed so far, or null while it is not one (empty, letters, too many digits). */
export function parseWholeMb(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const amountMb = Number(trimmed);
  return Number.isSafeInteger(amountMb) ? amountMb : null;
}

/** An amount typed in MB: a whole number within [minMb, maxMb]. */
export function checkAmountMb(text: string, bounds: { minMb: number; maxMb: number }, label = '流量'): Checked<number> {
  const trimmed = text.trim();
  if (trimmed === '') return fail(`请输入${label}数量`);
  if (!/^\d+$/.test(trimmed)) return fail(`${label}数量请填整数（单位 MB）`);
  const amountMb = Number(trimmed);
  if (amountMb > Math.min(bounds.maxMb, MAX_REQUEST_AMOUNT_MB)) return fail(`${label}最多 ${formatMb(bounds.maxMb)}`);
  if (amountMb < bounds.minMb) return fail(`${label}至少 ${formatMb(bounds.minMb)}`);
  return ok(amountMb);
}

export function checkPacketCount(text: string): Checked<number> {
  const trimmed = text.trim();
  if (trimmed === '') return fail('请输入红包个数');
  if (!/^\d+$/.test(trimmed)) return fail('红包个数请填整数');
  const count = Number(trimmed);
  if (count < 1) return fail('至少发 1 个红包');
  if (count > RED_PACKET_MAX_COUNT) return fail(`一次最多发 ${RED_PACKET_MAX_COUNT} 个红包`);
  return ok(count);
}

/** Optional text: empty means "none" (undefined), too long is an error. */
export function checkOptionalText(text: string, maxChars: number, tooLong: string): Checked<string | undefined> {
  const trimmed = text.trim();
  if (trimmed === '') return ok(undefined);
  // String length, as the service's zod schema counts it.
  if (trimmed.length > maxChars) return fail(tooLong);
  return ok(trimmed);
}

export const checkGiftMessage = (text: string) => checkOptionalText(text, GIFT_MESSAGE_MAX_CHARS, `留言最多 ${GIFT_MESSAGE_MAX_CHARS} 个字`);
export const checkGreeting = (text: string) => checkOptionalText(text, RED_PACKET_GREETING_MAX_CHARS, `祝福语最多 ${RED_PACKET_GREETING_MAX_CHARS} 个字`);
/** Punctuation around a passphrase is dropped, as the bot does, so "芝麻开门！" opens 芝麻开门 on both faces. */
export const checkPassphrase = (text: string) =>
  checkOptionalText(trimPunctuation(text), RED_PACKET_PASSPHRASE_MAX_CHARS, `口令最多 ${RED_PACKET_PASSPHRASE_MAX_CHARS} 个字`);
