import type { ErrorCode } from '@liuliang/shared';

/** Failures the client detects itself, beside the service's own codes. */
export type ClientFailureCode = 'NETWORK_FAILURE' | 'UNEXPECTED_RESPONSE';
export type FailureCode = ErrorCode | ClientFailureCode;

/** What every call of the API client throws: a stable code, never shown raw to a person. */
export class ApiError extends Error {
  constructor(
    readonly code: FailureCode | string,
    /** The HTTP status, 0 when no answer arrived. */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Words a person understands for every code. A Record over the full union, so a code added to
 * `shared/src/errors.ts` fails the build here until it has its Chinese sentence.
 */
const FAILURE_MESSAGES: Record<FailureCode, string> = {
  VALIDATION_FAILED: '填写的内容不符合要求，请检查后再试',
  BODY_TOO_LARGE: '提交的内容太长了',
  UNSUPPORTED_MEDIA_TYPE: '请求格式不对，请更新到最新版本',
  UNAUTHENTICATED: '登录已失效，请重新登录',
  FORBIDDEN: '你没有权限这样做',
  NOT_FOUND: '找不到这个内容，可能已被删除',
  IDEMPOTENCY_KEY_MISSING: '请求不完整，请重试',
  IDEMPOTENCY_KEY_REUSED: '这次提交和上一次不一致，请重新提交',
  IDEMPOTENCY_IN_FLIGHT: '上一次操作还在处理中，请稍候',
  INSUFFICIENT_BALANCE: '余额不足',
  LIMIT_EXCEEDED: '超过转赠次数限制',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  CODE_INVALID: '验证码不正确',
  CODE_EXPIRED: '验证码已过期，请重新获取',
  CODE_TOO_MANY_TRIES: '验证码输错次数太多，请重新获取',
  SELF_GIFT: '不能送给自己',
  PLAN_INSUFFICIENT: '套餐剩余流量不足',
  CARRIER_UNAVAILABLE: '运营商暂时无法处理，请稍后再试',
  SOLD_OUT: '红包已被抢完',
  ALREADY_GRABBED: '你已经抢过这个红包了',
  EXPIRED: '红包已过期',
  WRONG_PASSPHRASE: '口令不对',
  NOT_IN_ROOM: '只有群里的成员才能抢这个红包',
  CONTACT_NOT_BOUND: '还没有绑定手机号',
  UNAVAILABLE: '服务暂时不可用，这次操作没有执行，请稍后再试',
  INTERNAL: '服务出了点问题，请稍后再试',
  NETWORK_FAILURE: '网络连接失败，请检查网络后重试',
  UNEXPECTED_RESPONSE: '服务返回了看不懂的内容，请稍后再试',
};

/** For a code this build does not know yet (a newer service): still a sentence, never the code. */
export const UNKNOWN_FAILURE_MESSAGE = '操作没有成功，请稍后再试';

/**
 * The sentence to show for any thrown value. `overrides` lets a page say it more precisely in its
 * context (LIMIT_EXCEEDED on the deposit page is the monthly banking cap, not the gift count).
 */
export function describeFailure(error: unknown, overrides: Partial<Record<FailureCode, string>> = {}): string {
  if (!(error instanceof ApiError)) return UNKNOWN_FAILURE_MESSAGE;
  const code = error.code as FailureCode;
  return overrides[code] ?? FAILURE_MESSAGES[code] ?? UNKNOWN_FAILURE_MESSAGE;
}

/**
 * True when the outcome of a data-moving request is unknown (no answer, a server fault, or the
 * first try still running): then a retry must reuse the same Idempotency-Key.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.code === 'IDEMPOTENCY_IN_FLIGHT';
}
