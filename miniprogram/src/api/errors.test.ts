import { ERROR_CODES } from '@liuliang/shared';
import { ApiError, describeFailure, isOutcomeUnknown, UNKNOWN_FAILURE_MESSAGE } from './errors';

describe('describeFailure', () => {
  it.each([
    ['INSUFFICIENT_BALANCE', '余额不足'],
    ['SOLD_OUT', '红包已被抢完'],
    ['ALREADY_GRABBED', '你已经抢过这个红包了'],
    ['EXPIRED', '红包已过期'],
    ['WRONG_PASSPHRASE', '口令不对'],
    ['NOT_IN_ROOM', '只有群里的成员才能抢这个红包'],
    ['LIMIT_EXCEEDED', '超出了限额'],
    ['VALIDATION_FAILED', '填写的内容不符合要求，请检查后再试'],
    ['UNAUTHENTICATED', '登录已失效，请重新登录'],
    ['RATE_LIMITED', '操作太频繁，请稍后再试'],
    ['CODE_INVALID', '验证码不正确'],
    ['CODE_EXPIRED', '验证码已过期，请重新获取'],
    ['PLAN_INSUFFICIENT', '套餐剩余流量不足'],
    ['SELF_GIFT', '不能送给自己'],
    ['NETWORK_FAILURE', '网络连接失败，请检查网络后重试'],
  ])('says %s as "%s"', (code, sentence) => {
    expect(describeFailure(new ApiError(code, 409, 'whatever the service said'))).toBe(sentence);
  });

  it('has a Chinese sentence for every code the service can send, never the code itself', () => {
    for (const code of ERROR_CODES) {
      const sentence = describeFailure(new ApiError(code, 400, ''));
      expect(sentence).not.toBe(UNKNOWN_FAILURE_MESSAGE);
      expect(sentence).not.toMatch(/[A-Z_]{3,}/);
      expect(sentence).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('says a general sentence for a code this build does not know, or for a thrown non-API error', () => {
    expect(describeFailure(new ApiError('SOMETHING_NEW', 422, ''))).toBe(UNKNOWN_FAILURE_MESSAGE);
    expect(describeFailure(new TypeError('x is undefined'))).toBe(UNKNOWN_FAILURE_MESSAGE);
  });

  it('lets a page say a code more precisely in its own context', () => {
    const failure = new ApiError('PLAN_INSUFFICIENT', 422, '');
    expect(describeFailure(failure, { PLAN_INSUFFICIENT: '本月套餐不够转存这么多' })).toBe('本月套餐不够转存这么多');
  });

  it.each([
    [{ rule: 'gift.daily', limit: 3 }, '每天最多转赠 3 次，明天再来吧'],
    [{ rule: 'gift.max', limit: 10240 }, '每笔转赠最多 10 GB'],
    [{ rule: 'deposit.min', limit: 10 }, '每次至少转存 10 MB'],
    [{ rule: 'deposit.monthly', limit: 10240, remainingMb: 0 }, '每月最多转存 10 GB，本月还能转存 0 MB'],
    [{ rule: 'red-packet.total', limit: 102400 }, '一个红包最多 100 GB'],
  ])("words a broken limit from details %o, never from the service's text", (details, sentence) => {
    expect(describeFailure(new ApiError('LIMIT_EXCEEDED', 422, 'You can send at most 3 gifts a day.', details))).toBe(sentence);
  });

  it('says the general limit sentence for a rule this build does not know, or no details', () => {
    expect(describeFailure(new ApiError('LIMIT_EXCEEDED', 422, '', { rule: 'gift.hourly', limit: 1 }))).toBe('超出了限额');
    expect(describeFailure(new ApiError('LIMIT_EXCEEDED', 422, ''))).toBe('超出了限额');
  });
});

describe('isOutcomeUnknown', () => {
  it.each([
    ['no answer', new ApiError('NETWORK_FAILURE', 0, ''), true],
    ['a server fault', new ApiError('INTERNAL', 500, ''), true],
    ['the first try still running', new ApiError('IDEMPOTENCY_IN_FLIGHT', 409, ''), true],
    ['a rule that refused it', new ApiError('INSUFFICIENT_BALANCE', 422, ''), false],
    ['a sold-out packet', new ApiError('SOLD_OUT', 409, ''), false],
  ])('is %s → %s', (_what, failure, unknown) => {
    expect(isOutcomeUnknown(failure)).toBe(unknown);
  });
});
