import { LimitsSchema } from '@liuliang/shared';
import { startTestStack, type TestStack } from '../../test-support/stack';

describe('GET /api/v1/limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 4, DEPOSIT_MONTHLY_CAP_MB: 20_480, RED_PACKET_MAX_TOTAL_MB: 50_000 });
  });
  afterAll(() => stack.close());

  it('serves the configured limits to anyone, signed in or not', async () => {
    const answer = await stack.client.get('/api/v1/limits');
    expect(answer.status).toBe(200);
    const limits = LimitsSchema.parse(answer.body);
    expect(limits.gift).toMatchObject({ minMb: 10, maxMb: 10_240, perDay: 4, perWeek: 5, perMonth: 10, messageMaxChars: 60 });
    expect(limits.deposit).toEqual({ minMb: 10, monthlyCapMb: 20_480 });
    expect(limits.redPacket).toMatchObject({ maxTotalMb: 50_000, minCount: 1, maxCount: 200, minShareMb: 1, greetingMaxChars: 60, passphraseMaxChars: 32 });
    expect(limits.smsCode).toEqual({ resendSeconds: 60 });
    expect(limits.tip).toEqual({ minMb: 1, maxMb: 1024, messageMaxChars: 60 });
    expect(limits.crowdfund).toEqual({ minGoalMb: 100, maxGoalMb: 102_400, minSeconds: 3600, maxSeconds: 30 * 24 * 3600, titleMaxChars: 40 });
    expect(limits.shareGroup).toEqual({ maxMembers: 10, nameMaxChars: 20 });
  });
});
