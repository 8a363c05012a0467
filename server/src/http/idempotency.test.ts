import { createHash } from 'node:crypto';
import { signIn } from '../test-support/http-client';
import { outcomeRecorder, OutcomeAlreadyRecorded } from '../platform/outcomes';
import { purgeIdempotencyRecords } from './idempotency-stores';
import { startTestStack, type TestStack } from '../test-support/stack';

/** How long the carrier holds its answer to the first of two deposits with one key: it only has to outlast the second request. */
const HELD_CARRIER_ANSWER_MS = 400;
/** How often the in-flight test looks whether the carrier has the first deposit yet. */
const CARRIER_POLL_MS = 10;

describe('Idempotency-Key (SPEC §4)', () => {
  let stack: TestStack;
  let token: string;
  let userId: string;
  beforeAll(async () => {
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 100, GIFT_WEEKLY_LIMIT: 100, GIFT_MONTHLY_LIMIT: 100 });
    await stack.sim.setPlan({ phone: '13300000001', totalMb: 10240, usedMb: 0 });
    ({ token, userId } = await signIn(stack.client, '13300000001'));
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
    await stack.sim.setFaults({ latencyMs: HELD_CARRIER_ANSWER_MS });
    const deductionsBefore = (await stack.sim.listDeductions('13300000001')).length;
    const first = stack.client.post('/api/v1/storage/deposits', { amountMb: 10 }, { token, idempotencyKey: 'deposit-slow' });
    // The carrier records a deduction before it holds the answer: once it lists this one, the
    // first request is waiting inside the carrier call, its key claimed.
    while ((await stack.sim.listDeductions('13300000001')).length === deductionsBefore) await new Promise((resolve) => setTimeout(resolve, CARRIER_POLL_MS));
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

  /**
   * What a process leaves behind when it dies after its work committed but before it answered:
   * a record still in flight, its lease long gone, with the outcome the work recorded.
   */
  async function diedAfterCommit<T>(key: string, body: object, path: string, work: (recorder: ReturnType<typeof outcomeRecorder>) => Promise<T>): Promise<T> {
    const scope = `user:${userId}`;
    const keyHash = createHash('sha256').update(key).digest('hex');
    const requestHash = createHash('sha256').update(`POST ${path} ${JSON.stringify(body)}`).digest('hex');
    const longAgo = new Date(Date.now() - 60 * 60_000);
    await stack.server.deps.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key_hash, request_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'in_flight', ?, ?)`,
      [scope, keyHash, requestHash, longAgo, longAgo],
    );
    const result = await work(outcomeRecorder(scope, keyHash));
    await stack.server.deps.dataSource.query('UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND key_hash = ?', [longAgo, scope, keyHash]);
    return result;
  }
  const me = async () => (await stack.client.get('/api/v1/me', { token })).body;

  it('resumes a gift whose first attempt committed but never answered, instead of giving it again', async () => {
    const body = { amountMb: 10, toPhone: '13300000002' };
    const made = await diedAfterCommit('gift-died', body, '/api/v1/gifts', async (recorder) => stack.server.services.gifts.send(await me(), body, recorder));
    const before = await balance();
    const retry = await stack.client.post('/api/v1/gifts', body, { token, idempotencyKey: 'gift-died' });
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 201, body: made });
    expect(await balance()).toBe(before);
    const again = await stack.client.post('/api/v1/gifts', body, { token, idempotencyKey: 'gift-died' });
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toEqual(made);
  });

  it('lets exactly one of two attempts of one key commit: the second rolls back and learns what the first made', async () => {
    const body = { amountMb: 10, toPhone: '13300000002' };
    const before = await balance();
    const attempts = await diedAfterCommit('gift-twice', body, '/api/v1/gifts', async (recorder) => {
      const user = await me();
      return Promise.allSettled([stack.server.services.gifts.send(user, body, recorder), stack.server.services.gifts.send(user, body, recorder)]);
    });
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const refused = attempts.find((a) => a.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(OutcomeAlreadyRecorded);
    expect(await balance()).toBe(before - 10);
  });

  it('finishes a deposit whose process died after the carrier deducted: the same-key retry answers it, and the carrier deducted once', async () => {
    await stack.sim.setPlan({ phone: '13300000001', totalMb: 10240, usedMb: 0 });
    const deductionsBefore = (await stack.sim.listDeductions('13300000001')).length;
    const before = await balance();
    // The carrier deducts and its answer is lost: the deposit is left pending, as by a dead process.
    await stack.sim.setFaults({ lostAnswerRate: 1 });
    const body = { amountMb: 20 };
    const left = await diedAfterCommit('deposit-died', body, '/api/v1/storage/deposits', async (recorder) => stack.server.services.storage.deposit(await me(), 20, recorder));
    await stack.sim.setFaults({});
    expect(left.status).toBe('pending');
    const retry = await stack.client.post('/api/v1/storage/deposits', body, { token, idempotencyKey: 'deposit-died' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: left.id, amountMb: 20, status: 'completed' });
    expect((await stack.sim.listDeductions('13300000001')).length).toBe(deductionsBefore + 1);
    expect(await balance()).toBe(before + 20);
  });

  it('gives a request that never answered the answer reconciliation settled', async () => {
    const body = { amountMb: 30 };
    await stack.sim.setFaults({ lostAnswerRate: 1 });
    const left = await diedAfterCommit('deposit-reconciled', body, '/api/v1/storage/deposits', async (recorder) => stack.server.services.storage.deposit(await me(), 30, recorder));
    await stack.sim.setFaults({});
    await stack.server.deps.dataSource.query('UPDATE deposits SET created_at = ? WHERE id = ?', [new Date(Date.now() - 60 * 60_000), left.id]);
    expect(await stack.server.services.storage.reconcilePending()).toBeGreaterThanOrEqual(1);
    const retry = await stack.client.post('/api/v1/storage/deposits', body, { token, idempotencyKey: 'deposit-reconciled' });
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ id: left.id, status: 'completed' });
  });

  it('purges records older than a day, but never one whose work committed and still waits for its answer', async () => {
    const db = stack.server.deps.dataSource;
    const old = new Date(Date.now() - 25 * 60 * 60_000);
    await db.query(
      `INSERT INTO idempotency_keys (scope, key_hash, request_hash, result_ref, status, created_at, updated_at) VALUES
       ('purge', REPEAT('a', 64), REPEAT('0', 64), NULL, 'completed', ?, ?),
       ('purge', REPEAT('b', 64), REPEAT('0', 64), 'gift:1', 'in_flight', ?, ?),
       ('purge', REPEAT('c', 64), REPEAT('0', 64), NULL, 'completed', NOW(3), NOW(3))`,
      [old, old, old, old],
    );
    expect(await purgeIdempotencyRecords(db, stack.server.deps.clock)).toBeGreaterThanOrEqual(1);
    const left = await db.query(`SELECT key_hash FROM idempotency_keys WHERE scope = 'purge' ORDER BY key_hash`);
    expect(left.map((r: { key_hash: string }) => r.key_hash[0])).toEqual(['b', 'c']);
  });
});
