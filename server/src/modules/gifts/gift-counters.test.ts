import { manualClock } from '../../platform/clock';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';

/**
 * The gift limits (SPEC §3.2) as counted by the sender's counter row (gift_counters) instead of
 * counting their gifts: windows that roll over, senders whose gifts predate the counters, and
 * parallel gifts racing for the last ones a window allows.
 */
describe('gift counters', () => {
  let stack: TestStack;
  // Monday 2 March 2026, 10:00 in Shanghai.
  const clock = manualClock(new Date('2026-03-02T02:00:00Z'));
  const DAY_MS = 24 * 3600_000;
  let recipientPhone: string;

  beforeAll(async () => {
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 3, GIFT_WEEKLY_LIMIT: 5, GIFT_MONTHLY_LIMIT: 10 }, clock);
    recipientPhone = '13900000012';
    await signIn(stack.client, recipientPhone);
  });
  afterAll(() => stack.close());

  async function fundedSender(phone: string): Promise<{ token: string; userId: string }> {
    await stack.sim.setPlan({ phone, totalMb: 4096, usedMb: 0 });
    const sender = await signIn(stack.client, phone);
    const deposit = await stack.client.post('/api/v1/storage/deposits', { amountMb: 1000 }, { token: sender.token, idempotencyKey: true });
    expect(deposit.body.status).toBe('completed');
    return sender;
  }
  const give = (token: string) => stack.client.post('/api/v1/gifts', { toPhone: recipientPhone, amountMb: 10 }, { token, idempotencyKey: true });
  const statuses = async (token: string, n: number) => {
    const answers: Array<{ status: number; body: { error?: { details?: { rule?: string } } } }> = [];
    for (let i = 0; i < n; i++) answers.push(await give(token));
    return answers.map((a) => (a.status === 201 ? 201 : `${a.status} ${a.body.error?.details?.rule}`));
  };

  it('starts a new day with a fresh daily count while the week keeps counting', async () => {
    const alice = await fundedSender('13800000011');
    expect(await statuses(alice.token, 4)).toEqual([201, 201, 201, '422 gift.daily']);
    clock.advanceMs(DAY_MS);
    expect(await statuses(alice.token, 3)).toEqual([201, 201, '422 gift.weekly']);
    // The next Monday: a new week, and the month has 5.
    clock.advanceMs(6 * DAY_MS);
    expect(await statuses(alice.token, 4)).toEqual([201, 201, 201, '422 gift.daily']);
  });

  it('counts the gifts a sender made before their counter row existed', async () => {
    const bob = await fundedSender('13800000013');
    expect(await statuses(bob.token, 2)).toEqual([201, 201]);
    // As for gifts made before the counters were introduced: no row, only gifts.
    await stack.server.deps.dataSource.query('DELETE FROM gift_counters WHERE sender_id = ?', [bob.userId]);
    expect(await statuses(bob.token, 2)).toEqual([201, '422 gift.daily']);
    const [row] = await stack.server.deps.dataSource.query('SELECT day_count, week_count, month_count FROM gift_counters WHERE sender_id = ?', [bob.userId]);
    expect([Number(row.day_count), Number(row.week_count), Number(row.month_count)]).toEqual([3, 3, 3]);
  });

  it('lets exactly the daily limit through when a sender sends 12 gifts at once', async () => {
    const carol = await fundedSender('13800000014');
    const answers = await Promise.all(Array.from({ length: 12 }, () => give(carol.token)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 422 && a.body.error.details.rule === 'gift.daily')).toHaveLength(9);
    const [gifts] = await stack.server.deps.dataSource.query('SELECT COUNT(*) AS n FROM gifts WHERE sender_id = ?', [carol.userId]);
    const [row] = await stack.server.deps.dataSource.query('SELECT day_count FROM gift_counters WHERE sender_id = ?', [carol.userId]);
    expect([Number(gifts.n), Number(row.day_count)]).toEqual([3, 3]);
  });
});
