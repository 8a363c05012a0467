import { createMessageProvider } from '../../carrier/sms-provider';
import { manualClock } from '../../platform/clock';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { enqueueMessage } from './outbox';
import { deliverDueMessages } from './sender';
import { OUTBOX_MAX_ATTEMPTS, OUTBOX_RETRY_BASE_MS } from './policy';

describe('delivering the outbox to the SMS provider', () => {
  let stack: TestStack;
  const clock = manualClock(new Date());
  beforeAll(async () => {
    stack = await startTestStack({}, clock);
  });
  afterEach(() => stack.sim.reset());
  afterAll(() => stack.close());

  const provider = () => createMessageProvider({ baseUrl: stack.simUrl, secret: stack.config.MESSAGE_PROVIDER_SECRET, timeoutMs: 1000 });
  const statusOf = async (id: string) => (await stack.server.deps.dataSource.query('SELECT status, attempts FROM outbox WHERE id = ?', [id]))[0];
  const nextAttemptOf = async (id: string): Promise<Date> =>
    new Date((await stack.server.deps.dataSource.query('SELECT next_attempt_at FROM outbox WHERE id = ?', [id]))[0].next_attempt_at);

  it('sends each due message once, even with two senders racing', async () => {
    const id = await enqueueMessage(stack.server.deps.dataSource.manager, { channel: 'sms', to: '13600000001', template: 'test', text: '【流量】你好' }, clock.now());
    const sent = await Promise.all([deliverDueMessages(stack.server.deps, provider()), deliverDueMessages(stack.server.deps, provider())]);
    expect(sent[0] + sent[1]).toBe(1);
    expect(await stack.sim.listMessages('13600000001')).toEqual([expect.objectContaining({ channel: 'sms', text: '【流量】你好' })]);
    expect(await statusOf(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('sends an e-mail with its first line as the subject, or its template for a one-line text', async () => {
    const sql = stack.server.deps.dataSource.manager;
    await enqueueMessage(sql, { channel: 'email', to: 'two-lines@example.com', template: 'fund_warn:x', text: '预算预警\n余额不足，请充值。' }, clock.now());
    await enqueueMessage(sql, { channel: 'email', to: 'one-line@example.com', template: 'activity_result', text: '10 位用户中奖' }, clock.now());
    await deliverDueMessages(stack.server.deps, provider());
    expect(await stack.sim.listMessages('two-lines@example.com')).toEqual([expect.objectContaining({ channel: 'email', subject: '预算预警', text: '余额不足，请充值。' })]);
    expect(await stack.sim.listMessages('one-line@example.com')).toEqual([expect.objectContaining({ channel: 'email', subject: 'activity_result', text: '10 位用户中奖' })]);
  });

  it('retries with backoff while the provider fails, then gives up after the last attempt', async () => {
    const id = await enqueueMessage(stack.server.deps.dataSource.manager, { channel: 'sms', to: '13600000002', template: 'test', text: '重试' }, clock.now());
    await stack.sim.setFaults({ errorRate: 1 });
    for (let attempt = 1; attempt <= OUTBOX_MAX_ATTEMPTS; attempt++) {
      const attemptedAt = clock.now().getTime();
      await deliverDueMessages(stack.server.deps, provider());
      expect(await statusOf(id)).toMatchObject({ attempts: attempt, status: attempt < OUTBOX_MAX_ATTEMPTS ? 'pending' : 'failed' });
      // The wechat channel's test (bot-api.test.ts) asserts the same waits: one policy for every channel.
      expect((await nextAttemptOf(id)).getTime()).toBe(attemptedAt + OUTBOX_RETRY_BASE_MS * 2 ** (attempt - 1));
      // Not due again until its backoff has passed.
      expect(await deliverDueMessages(stack.server.deps, provider())).toBe(0);
      expect((await statusOf(id)).attempts).toBe(attempt);
      clock.advanceMs(10 * 60_000);
    }
    expect(await stack.sim.listMessages('13600000002')).toEqual([]);
  });

  it('fails a message after exactly one attempt when the provider refuses it', async () => {
    const id = await enqueueMessage(stack.server.deps.dataSource.manager, { channel: 'sms', to: '13600000003', template: 'test', text: '拒收' }, clock.now());
    await stack.sim.setFaults({ refusalRate: 1 });
    await deliverDueMessages(stack.server.deps, provider());
    expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: 1 });

    // A refusal is final: later runs, even once the provider would accept, do not send it again.
    await stack.sim.setFaults({});
    clock.advanceMs(60 * 60_000);
    await deliverDueMessages(stack.server.deps, provider());
    expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await stack.sim.listMessages('13600000003')).toEqual([]);
  });

  it('retries a message whose provider did not answer in time, after a backoff', async () => {
    const id = await enqueueMessage(stack.server.deps.dataSource.manager, { channel: 'sms', to: '13600000004', template: 'test', text: '超时' }, clock.now());
    await stack.sim.setFaults({ timeoutRate: 1 });
    const impatient = createMessageProvider({ baseUrl: stack.simUrl, secret: stack.config.MESSAGE_PROVIDER_SECRET, timeoutMs: 200 });
    const attemptedAt = clock.now().getTime();
    await deliverDueMessages(stack.server.deps, impatient);
    expect(await statusOf(id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await nextAttemptOf(id)).getTime()).toBeGreaterThan(attemptedAt);

    await stack.sim.setFaults({});
    await deliverDueMessages(stack.server.deps, provider());
    expect(await statusOf(id)).toMatchObject({ status: 'pending', attempts: 1 });
    clock.set(await nextAttemptOf(id));
    await deliverDueMessages(stack.server.deps, provider());
    expect(await statusOf(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
