import { COUPON_BATCH_MAX_CODES, COUPON_MAX_AMOUNT_MB, COUPON_MAX_VALID_DAYS, COUPON_TITLE_MAX_CHARS, type CouponBatchCreateRequest } from '@liuliang/shared';
import { parseWholeMb } from '../../forms/validation';

/** What the issue-coupons form holds: text as typed. */
export interface CouponFormFields {
  title: string;
  amountText: string;
  countText: string;
  daysText: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

type Checked = { ok: true; value: CouponBatchCreateRequest } | { ok: false; error: string };

/**
 * Checks the form by shared's rules and builds the request: a batch valid from now for `days`
 * days. The service has the last word (the budget, which must last until the batch ends).
 */
export function checkCouponForm(fields: CouponFormFields, now: Date): Checked {
  const title = fields.title.trim();
  if (title === '') return { ok: false, error: '请填写卡密名称' };
  if (title.length > COUPON_TITLE_MAX_CHARS) return { ok: false, error: `卡密名称最多 ${COUPON_TITLE_MAX_CHARS} 个字` };
  const amountMb = parseWholeMb(fields.amountText);
  if (amountMb === null || amountMb <= 0 || amountMb > COUPON_MAX_AMOUNT_MB) return { ok: false, error: `每张面值请填 1 – ${COUPON_MAX_AMOUNT_MB} 的整数（单位 MB）` };
  const count = Number(fields.countText.trim());
  if (!Number.isInteger(count) || count < 1 || count > COUPON_BATCH_MAX_CODES) return { ok: false, error: `张数请填 1 – ${COUPON_BATCH_MAX_CODES} 的整数` };
  const days = Number(fields.daysText.trim());
  if (!Number.isInteger(days) || days < 1 || days > COUPON_MAX_VALID_DAYS) return { ok: false, error: `有效天数请填 1 – ${COUPON_MAX_VALID_DAYS} 的整数` };
  return {
    ok: true,
    value: { title, amountMb, count, validFrom: now.toISOString(), validUntil: new Date(now.getTime() + days * DAY_MS).toISOString() },
  };
}
