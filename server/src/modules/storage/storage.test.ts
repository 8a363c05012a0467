import { httpClient, signIn } from '../../test-support/http-client';
import { spawnServer } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { advanceableClock } from '../../platform/clock';
import { RECONCILE_AFTER_TIMEOUTS } from './service';

const CARRIER_TIMEOUT_MS = 1000;

describe('banking plan data', () => {
  let stack: TestStack;
  const clock = advanceableClock();
  beforeAll(async () => {
    stack = await startTestStack({ CARRIER_TIMEOUT_MS }, clock);
  });
  afterEach(() => stack.sim.reset());
  afterAll(() => stack.close());

  const deposit = (token: string, amountMb: number) => stack.client.post('/api/v1/storage/deposits', { amountMb }, { token, idempotencyKey: true });
  const balance = async (token: string) => (await stack.client.get('/api/v1/wallet', { token })).body.balanceMb;
  /** Moves the service's view of time past the reconciliation delay without waiting for it. */
  const reconcile = async () => {
    clock.advanceMs(RECONCILE_AFTER_TIMEOUTS * CARRIER_TIMEOUT_MS + 1);
    return stack.server.services.storage.reconcilePending();
  };

  it('shows this month\'s plan and what may still be banked, and credits a deposit with its expiry', async () => {
    const user = await signIn(stack.client, '13500000001');
    await stack.sim.setPlan({ phone: '13500000001', totalMb: 20480, usedMb: 480 });
    const view = await stack.client.get('/api/v1/storage', { token: user.token });
    expect(view.body).toEqual({ plan: { totalMb: 20480, usedMb: 480, remainingMb: 20000 }, bankedThisMonthMb: 0, bankableMb: 10240 });
    const done = await deposit(user.token, 1024);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ amountMb: 1024, status: 'completed' });
    expect(new Date(done.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 60 * 24 * 3600_000);
    expect(await balance(user.token)).toBe(1024);
    const after = await stack.client.get('/api/v1/storage', { token: user.token });
    expect(after.body).toMatchObject({ plan: { remainingMb: 20000 - 1024 }, bankedThisMonthMb: 1024, bankableMb: 10240 - 1024 });
  });

  it('enforces the 10 MB minimum and the monthly cap', async () => {
    const user = await signIn(stack.client, '13500000002');
    await stack.sim.setPlan({ phone: '13500000002', totalMb: 40960, usedMb: 0 });
    expect((await deposit(user.token, 9)).body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { rule: 'deposit.min', limit: 10 } });
    expect((await deposit(user.token, 10240)).body.status).toBe('completed');
    const over = await deposit(user.token, 10);
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { rule: 'deposit.monthly', limit: 10240, remainingMb: 0 } });
    expect(await balance(user.token)).toBe(10240);
  });

  it('lets exactly 50 of 100 parallel deposits through against a plan that holds 50', async () => {
    const user = await signIn(stack.client, '13500000003');
    await stack.sim.setPlan({ phone: '13500000003', totalMb: 1000, usedMb: 0 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => deposit(user.token, 20)));
    // Under this load a carrier answer may come late: such a deposit is pending, and reconciliation settles it.
    expect(answers.every((a) => a.status === 201 || (a.status === 422 && a.body.error.code === 'PLAN_INSUFFICIENT'))).toBe(true);
    await reconcile();
    const finals = await Promise.all(
      answers.filter((a) => a.status === 201).map(async (a) => (await stack.client.get(`/api/v1/storage/deposits/${a.body.id}`, { token: user.token })).body.status),
    );
    expect(finals.filter((s) => s === 'completed')).toHaveLength(50);
    expect(finals.filter((s) => s === 'pending')).toHaveLength(0);
    expect(await balance(user.token)).toBe(1000);
    const deductions = await stack.sim.listDeductions('13500000003');
    expect(deductions.filter((d) => d.status === 'succeeded')).toHaveLength(50);
  });

  it('holds the plan and the monthly cap across two server processes', async () => {
    const processes = await Promise.all([spawnServer(stack.config, { LOG_LEVEL: 'warn' }), spawnServer(stack.config, { LOG_LEVEL: 'warn' })]);
    try {
      const user = await signIn(stack.client, '13500000008');
      await stack.sim.setPlan({ phone: '13500000008', totalMb: 40960, usedMb: 0 });
      // 60 deposits of 200 MB against a monthly cap of 10 240 MB: exactly 51 fit.
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => httpClient(processes[i % 2].url).post('/api/v1/storage/deposits', { amountMb: 200 }, { token: user.token, idempotencyKey: true })),
      );
      expect(answers.filter((a) => a.status !== 201 && !(a.status === 422 && a.body.error.code === 'LIMIT_EXCEEDED'))).toEqual([]);
      await reconcile();
      const statuses = await Promise.all(
        answers.filter((a) => a.status === 201).map(async (a) => (await stack.client.get(`/api/v1/storage/deposits/${a.body.id}`, { token: user.token })).body.status),
      );
      expect(statuses.filter((s) => s === 'completed')).toHaveLength(51);
      expect(await balance(user.token)).toBe(10200);
      expect((await stack.sim.listDeductions('13500000008')).filter((d) => d.status === 'succeeded')).toHaveLength(51);
    } finally {
      await Promise.all(processes.map((p) => p.stop()));
    }
  });

  it.each([
    ['an answer that times out', { timeoutRate: 1 }],
    ['an answer lost after the deduction', { lostAnswerRate: 1 }],
  ])('settles %s with exactly one deduction and one credit', async (_name, faults) => {
    const phone = 'timeoutRate' in faults ? '13500000004' : '13500000005';
    const user = await signIn(stack.client, phone);
    await stack.sim.setPlan({ phone, totalMb: 10240, usedMb: 0 });
    await stack.sim.setFaults(faults);
    const pending = await deposit(user.token, 300);
    expect(pending.body).toMatchObject({ status: 'pending', amountMb: 300 });
    expect(await balance(user.token)).toBe(0);
    await stack.sim.setFaults({});
    const settled = await Promise.all([reconcile(), stack.server.services.storage.reconcilePending()]);
    expect(settled.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await reconcile()).toBe(0);
    expect(await balance(user.token)).toBe(300);
    expect((await stack.sim.listDeductions(phone)).filter((d) => d.status === 'succeeded')).toHaveLength(1);
    expect((await stack.client.get(`/api/v1/storage/deposits/${pending.body.id}`, { token: user.token })).body.status).toBe('completed');
  });

  it('credits nothing when the carrier fails hard, and marks the deposit failed on reconciliation', async () => {
    const user = await signIn(stack.client, '13500000006');
    await stack.sim.setPlan({ phone: '13500000006', totalMb: 10240, usedMb: 0 });
    await stack.sim.setFaults({ errorRate: 1 });
    const pending = await deposit(user.token, 100);
    expect(pending.body.status).toBe('pending');
    await stack.sim.setFaults({});
    expect(await reconcile()).toBe(1);
    expect(await balance(user.token)).toBe(0);
    expect((await stack.sim.listDeductions('13500000006')).filter((d) => d.status === 'succeeded')).toHaveLength(0);
    expect((await stack.client.get(`/api/v1/storage/deposits/${pending.body.id}`, { token: user.token })).body.status).toBe('failed');
  });

  it('answers 503 CARRIER_UNAVAILABLE when the plan cannot be read', async () => {
    const user = await signIn(stack.client, '13500000007');
    await stack.sim.setFaults({ errorRate: 1 });
    const view = await stack.client.get('/api/v1/storage', { token: user.token });
    expect(view.status).toBe(503);
    expect(view.body.error.code).toBe('CARRIER_UNAVAILABLE');
  });
});
