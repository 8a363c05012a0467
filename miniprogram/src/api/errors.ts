import { formatMb, limitDetailsOf, type ErrorCode } from '@liuliang/shared';

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
    /** The structure the service sent with the code (for LIMIT_EXCEEDED: {rule, limit}). */
    readonly details?: unknown,
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
  NAME_TAKEN: '这个名称已被使用',
  BODY_TOO_LARGE: '提交的内容太长了',
  UNSUPPORTED_MEDIA_TYPE: '请求格式不对，请更新到最新版本',
  UNAUTHENTICATED: '登录已失效，请重新登录',
  FORBIDDEN: '你没有权限这样做',
  NOT_FOUND: '找不到这个内容，可能已被删除',
  METHOD_NOT_ALLOWED: '请求方式不对，请更新到最新版本',
  IDEMPOTENCY_KEY_MISSING: '请求不完整，请重试',
  IDEMPOTENCY_KEY_REUSED: '这次提交和上一次不一致，请重新提交',
  IDEMPOTENCY_IN_FLIGHT: '上一次操作还在处理中，请稍候',
  INSUFFICIENT_BALANCE: '余额不足',
  LIMIT_EXCEEDED: '超出了限额',
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
  CLOSED: '这个众筹已经结束了',
  SELF_TIP: '不能打赏自己',
  UNKNOWN_TEMPLATE_VARIABLE: '消息模板里有不认识的变量，只能用 {nickname} {amount} {activity} {sponsor} {balance} {expiresAt} {streak}',
  UNBALANCED_TEMPLATE_BRACE: '消息模板里有没配对的花括号；要写花括号本身，请写 {{ 或 }}',
  TEMPLATE_TOO_LONG: '消息太长了，短信最多发 3 条（每条 70 字，含签名和赞助方名称）',
  BAD_SIGNATURE: '请求签名无效',
  STALE_REQUEST: '请求已过期，请重试',
  REPLAYED_REQUEST: '重复的请求已被拒绝',
  INSUFFICIENT_BUDGET: '赞助预算不足（或预算在活动结束前到期），请先充值',
  BUDGET_EXHAUSTED: '活动奖励已经发完了',
  ALREADY_CHECKED_IN: '今天已经签到过了，明天再来',
  NOT_STARTED: '活动还没开始',
  ACTIVITY_ENDED: '活动已经结束了',
  ACTIVITY_PAUSED: '活动暂停中，稍后再来',
  NOT_ELIGIBLE: '这个活动不面向你',
  WRONG_STATE: '活动当前的状态不能这样操作',
  REFERENCE_REUSED: '这个付款单号已经用不同金额登记过了',
  LAST_OWNER: '赞助商至少要保留一位所有者',
  BUSY: '人太多了，这次操作没有执行，请稍后再试',
  UNAVAILABLE: '服务暂时不可用，这次操作没有执行，请稍后再试',
  INTERNAL: '服务出了点问题，请稍后再试',
  QUOTA_EXCEEDED: '超出了本月的领取额度',
  INSUFFICIENT_POOL: '家庭流量池里的流量不够',
  ALREADY_IN_GROUP: '这个号码已经在一个家庭组里了',
  OWNER_CANNOT_LEAVE: '户主不能移出自己的家庭组',
  GROUP_CLOSED: '这个家庭组已经解散了',
  COUPON_NOT_FOUND: '没有这张卡密，请核对后再试',
  ALREADY_REDEEMED: '这张卡密已经被兑换过了',
  NOT_YET_VALID: '这张卡密还没到可以兑换的时间',
  GONE: '卡密只能取出一次，已经取出过了',
  NETWORK_FAILURE: '网络连接失败，请检查网络后重试',
  UNEXPECTED_RESPONSE: '服务返回了看不懂的内容，请稍后再试',
};

/** For a code this build does not know yet (a newer service): still a sentence, never the code. */
export const UNKNOWN_FAILURE_MESSAGE = '操作没有成功，请稍后再试';

/**
 * The sentence to show for any thrown value. A broken limit is worded from the rule and limit the
 * service sent; `overrides` lets a page say any other code more precisely in its context.
 */
export function describeFailure(error: unknown, overrides: Partial<Record<FailureCode, string>> = {}): string {
  if (!(error instanceof ApiError)) return UNKNOWN_FAILURE_MESSAGE;
  const code = error.code as FailureCode;
  const limit = code === 'LIMIT_EXCEEDED' ? limitSentence(error.details) : null;
  return limit ?? overrides[code] ?? FAILURE_MESSAGES[code] ?? UNKNOWN_FAILURE_MESSAGE;
}

/** The limit broken, from `details`; null for none or a rule this build does not know yet. */
export function limitSentence(details: unknown): string | null {
  const broken = limitDetailsOf(details);
  if (!broken) return null;
  const { limit } = broken;
  switch (broken.rule) {
    case 'gift.min':
      return `每笔转赠至少 ${formatMb(limit)}`;
    case 'gift.max':
      return `每笔转赠最多 ${formatMb(limit)}`;
    case 'gift.daily':
      return `每天最多转赠 ${limit} 次，明天再来吧`;
    case 'gift.weekly':
      return `每周最多转赠 ${limit} 次`;
    case 'gift.monthly':
      return `每月最多转赠 ${limit} 次`;
    case 'deposit.min':
      return `每次至少转存 ${formatMb(limit)}`;
    case 'deposit.monthly':
      return broken.remainingMb === undefined ? `每月最多转存 ${formatMb(limit)}` : `每月最多转存 ${formatMb(limit)}，本月还能转存 ${formatMb(broken.remainingMb)}`;
    case 'red-packet.total':
      return `一个红包最多 ${formatMb(limit)}`;
    case 'room.members':
      return `群成员最多 ${limit} 人`;
    case 'tip.min':
      return `每次打赏至少 ${formatMb(limit)}`;
    case 'tip.max':
      return `每次打赏最多 ${formatMb(limit)}`;
    case 'crowdfund.goal.min':
      return `众筹目标至少 ${formatMb(limit)}`;
    case 'crowdfund.goal.max':
      return `众筹目标最多 ${formatMb(limit)}`;
    case 'crowdfund.duration.min':
      return `众筹期限至少 ${Math.ceil(limit / 3600)} 小时`;
    case 'crowdfund.duration.max':
      return `众筹期限最多 ${Math.floor(limit / 86_400)} 天`;
    case 'share-group.members':
      return `家庭组最多 ${limit} 人（含户主）`;
    case 'activity.per-user-cap':
      return `这个活动每人最多领 ${formatMb(limit)}`;
    default:
      return null;
  }
}

/**
 * True when the outcome of a data-moving request is unknown (no answer, a server fault, or the
 * first try still running): then a retry must reuse the same Idempotency-Key.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.code === 'IDEMPOTENCY_IN_FLIGHT';
}
