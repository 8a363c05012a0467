import { createHash } from 'node:crypto';
import { outcomeRecorder } from '../../platform/outcomes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';
import { findUserById } from '../auth';

/**
 * Crowdfund and tip requests whose first attempt committed but never answered (a process died
 * between the two): the same-key retry resumes from the recorded outcome and moves nothing again.
 */
describe('crowdfund and tip retries after a process died', () => {
  let stack: TestStack;
  let creator: SeededUser;
  let backer: SeededUser;
  beforeAll(async () => {
    stack = await startTestStack();
    [creator, backer] = await seedUsers(stack, 2, '1383001');
    await fundWallets(stack.server.deps, [creator.userId, backer.userId], 1000);
  });
  afterAll(() => stack.close());

  /** The record a dead process leaves: in flight, its lease long gone, with the outcome its work recorded. Bodies here have their keys in sorted order. */
  async function diedAfterCommit<T>(by: SeededUser, key: string, path: string, body: object, work: (recorder: ReturnType<typeof outcomeRecorder>) => Promise<T>): Promise<T> {
    const scope = `user:${by.userId}`;
    const keyHash = createHash('sha256').update(key).digest('hex');
    const requestHash = createHash('sha256')
      .update(`POST ${path} ${JSON.stringify(body)}`)
      .digest('hex');
    const longAgo = new Date(Date.now() - 60 * 60_000);
    const db = stack.server.deps.dataSource;
    await db.query(`INSERT INTO idempotency_keys (scope, key_hash, request_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'in_flight', ?, ?)`, [
      scope,
      keyHash,
      requestHash,
      longAgo,
      longAgo,
    ]);
    const result = await work(outcomeRecorder(scope, keyHash));
    await db.query('UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND key_hash = ?', [longAgo, scope, keyHash]);
    return result;
  }
  const userOf = async (u: SeededUser) => (await findUserById(stack.server.deps.dataSource.manager, u.userId))!;
  const services = () => stack.server.services;
  const deadline = () => new Date(Date.now() + 86_400_000).toISOString();

  it('resumes a crowdfund, a pledge, a cancel and a tip from their outcomes instead of doing them again', async () => {
    const createBody = { deadline: deadline(), goalMb: 500, title: '续' };
    const made = await diedAfterCommit(creator, 'cf-died', '/api/v1/crowdfunds', createBody, async (r) => services().crowdfunds.create(await userOf(creator), createBody, r));
    const createRetry = await stack.client.post('/api/v1/crowdfunds', createBody, { token: creator.token, idempotencyKey: 'cf-died' });
    expect({ status: createRetry.status, id: createRetry.body.id }).toEqual({ status: 201, id: made.id });
    expect(Number((await stack.server.deps.dataSource.query('SELECT COUNT(*) AS n FROM crowdfunds WHERE creator_id = ?', [creator.userId]))[0].n)).toBe(1);

    const pledgePath = `/api/v1/crowdfunds/${made.id}/pledges`;
    const pledged = await diedAfterCommit(backer, 'pledge-died', pledgePath, { amountMb: 120 }, async (r) => services().crowdfunds.pledge(await userOf(backer), made.id, 120, r));
    const before = await balanceOf(stack.server.deps, backer.userId);
    const pledgeRetry = await stack.client.post(pledgePath, { amountMb: 120 }, { token: backer.token, idempotencyKey: 'pledge-died' });
    expect({ status: pledgeRetry.status, body: pledgeRetry.body }).toEqual({ status: 201, body: pledged });
    expect(await balanceOf(stack.server.deps, backer.userId)).toBe(before);

    const tipBody = { amountMb: 7, target: { id: made.id, type: 'crowdfund' } };
    const tipped = await diedAfterCommit(backer, 'tip-died', '/api/v1/tips', tipBody, async (r) =>
      services().tips.tip(await userOf(backer), { target: { type: 'crowdfund', id: made.id }, amountMb: 7 }, r),
    );
    const tipRetry = await stack.client.post('/api/v1/tips', tipBody, { token: backer.token, idempotencyKey: 'tip-died' });
    expect({ status: tipRetry.status, body: tipRetry.body }).toEqual({ status: 201, body: tipped });
    expect(await balanceOf(stack.server.deps, backer.userId)).toBe(before - 7);

    const cancelPath = `/api/v1/crowdfunds/${made.id}/cancel`;
    await diedAfterCommit(creator, 'cancel-died', cancelPath, {}, async (r) => services().crowdfunds.cancel(await userOf(creator), made.id, r));
    const cancelRetry = await stack.client.post(cancelPath, undefined, { token: creator.token, idempotencyKey: 'cancel-died' });
    expect({ status: cancelRetry.status, crowdfundStatus: cancelRetry.body.status }).toEqual({ status: 200, crowdfundStatus: 'cancelled' });
    expect(await balanceOf(stack.server.deps, backer.userId)).toBe(before - 7 + 120);
  });
});
