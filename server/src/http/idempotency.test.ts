import { signIn } from '../test-support/http-client';
import { startTestStack, type TestStack } from '../test-support/stack';

describe('Idempotency-Key (SPEC §4)', () => {
  let stack: TestStack;
  let token: string;
  beforeAll(async () => {
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 100, GIFT_WEEKLY_LIMIT: 100, GIFT_MONTHLY_LIMIT: 100 });
    await stack.sim.setPlan({ phone: '13300000001', totalMb: 10240, usedMb: 0 });
    ({ token } = await signIn(stack.client, '13300000001'));
    await signIn(stack.client, '13300000002');
    await stack.client.post('/api/v1/storage/deposits', { amountMb: 1000 }, { token, idempotencyKey: true });
  });
  afterAll(() => stack.close());

  const balance = async () => (await stack.client.get('/api/v1/wallet', { token })).body.balanceMb;
  const gift = { toPhone: '13300000002', amountMb: 10 };

  it('replays the first response for the same key and body, moving data once', async () => {
    const first = await stack.client.post('/api/v1/gifts', gift, { token, idempotencyKey: 'gift-once' });
    const again = await stack.client.post('/api/v1/gifts', { amountMb: 10, toPhone: '13300000002' }, { token, idempotencyKey: 'gift-once' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    expect(await balance()).toBe(990);
  });

  it('refuses the same key with another body (422 IDEMPOTENCY_KEY_REUSED) and changes nothing', async () => {
    await stack.client.post('/api/v1/gifts', gift, { token, idempotencyKey: 'gift-reused' });
    const before = await balance();
    const other = await stack.client.post('/api/v1/gifts', { ...gift, amountMb: 20 }, { token, idempotencyKey: 'gift-reused' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await balance()).toBe(before);
  });

  it('answers 409 IDEMPOTENCY_IN_FLIGHT while the first request with the key still runs', async () => {
    // Hold a deposit inside the carrier call, so the first request is certainly still running.
    await stack.sim.setFaults({ latencyMs: 400 });
    const first = stack.client.post('/api/v1/storage/deposits', { amountMb: 10 }, { token, idempotencyKey: 'deposit-slow' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = await stack.client.post('/api/v1/storage/deposits', { amountMb: 10 }, { token, idempotencyKey: 'deposit-slow' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    expect((await first).status).toBe(201);
    await stack.sim.setFaults({});
    const replay = await stack.client.post('/api/v1/storage/deposits', { amountMb: 10 }, { token, idempotencyKey: 'deposit-slow' });
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect((await stack.sim.listDeductions('13300000001')).length).toBe(2);
  });

  it('lets exactly one of 20 parallel requests with one key run', async () => {
    const before = await balance();
    const answers = await Promise.all(Array.from({ length: 20 }, () => stack.client.post('/api/v1/gifts', gift, { token, idempotencyKey: 'gift-storm' })));
    const fresh = answers.filter((a) => a.status === 201 && a.headers.get('idempotency-replayed') === null);
    expect(fresh).toHaveLength(1);
    expect(answers.every((a) => a.status === 201 || a.body.error?.code === 'IDEMPOTENCY_IN_FLIGHT')).toBe(true);
    expect(await balance()).toBe(before - 10);
  });

  it('replays a refusal too: the same key cannot turn a 422 into a success later', async () => {
    const broke = await stack.client.post('/api/v1/gifts', { ...gift, amountMb: 10240 }, { token, idempotencyKey: 'gift-too-big' });
    expect(broke.body.error.code).toBe('INSUFFICIENT_BALANCE');
    const replay = await stack.client.post('/api/v1/gifts', { ...gift, amountMb: 10240 }, { token, idempotencyKey: 'gift-too-big' });
    expect(replay.body).toEqual(broke.body);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
  });

  it('scopes keys to the caller: another user may use the same key', async () => {
    const other = await signIn(stack.client, '13300000003');
    const answer = await stack.client.post('/api/v1/gifts', gift, { token: other.token, idempotencyKey: 'gift-once' });
    expect(answer.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(answer.headers.get('idempotency-replayed')).toBeNull();
  });
});
