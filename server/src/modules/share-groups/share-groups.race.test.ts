import { httpClient, signIn } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';

/**
 * 50 draws by 5 members at once, spread over two server processes, against a pool and a quota
 * that allow fewer: the group's row lock must check each draw against the pool and the month's
 * quota after the one before it, whichever process serves it.
 */
describe('share group draws under a race', () => {
  let stack: TestStack;
  let second: ServerProcess;
  let urls: string[];
  beforeAll(async () => {
    stack = await startTestStack();
    second = await spawnServer(stack.config, { LOG_LEVEL: 'warn' });
    urls = [stack.url, second.url];
  });
  afterAll(async () => {
    await second?.stop();
    await stack.close();
  });

  const DRAW_MB = 50;
  const DRAWS_PER_MEMBER = 10;

  /** An owner with a funded pool and four more members: five drawers. */
  async function family(phonePrefix: string, poolMb: number, monthlyQuotaMb: number) {
    const ownerPhone = `${phonePrefix}0`;
    await stack.sim.setPlan({ phone: ownerPhone, totalMb: 10240, usedMb: 0 });
    const owner = await signIn(stack.client, ownerPhone);
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: poolMb }, { token: owner.token, idempotencyKey: true })).body.status).toBe('completed');
    const group = (await stack.client.post('/api/v1/share-groups', { name: '赛跑之家', monthlyQuotaMb }, { token: owner.token, idempotencyKey: true })).body;
    expect((await stack.client.post(`/api/v1/share-groups/${group.id}/fund`, { amountMb: poolMb }, { token: owner.token, idempotencyKey: true })).body.poolMb).toBe(poolMb);
    const members = [owner];
    for (let i = 1; i <= 4; i++) {
      const member = await signIn(stack.client, `${phonePrefix}${i}`);
      expect((await stack.client.post(`/api/v1/share-groups/${group.id}/members`, { phone: `${phonePrefix}${i}` }, { token: owner.token })).status).toBe(201);
      members.push(member);
    }
    return { groupId: group.id as string, owner, members };
  }

  async function race(groupId: string, members: Array<{ token: string }>) {
    // Round-robin over the members, alternating processes: each member's draws hit both processes at once.
    const draws = Array.from({ length: DRAWS_PER_MEMBER * members.length }, (_, i) => ({
      member: members[i % members.length],
      url: urls[Math.floor(i / members.length) % urls.length],
    }));
    return Promise.all(
      draws.map(({ member, url }) => httpClient(url).post(`/api/v1/share-groups/${groupId}/draw`, { amountMb: DRAW_MB }, { token: member.token, idempotencyKey: true })),
    );
  }

  const walletOf = async (token: string) => (await stack.client.get('/api/v1/wallet', { token })).body.balanceMb as number;

  it('stops at the pool when the pool allows fewer draws than the quotas do', async () => {
    // Quotas allow 5 × 300 MB = 1 500 MB; the pool holds 500 MB: exactly 10 draws of 50 MB.
    const { groupId, owner, members } = await family('1381110000', 500, 300);
    const answers = await race(groupId, members);
    const granted = answers.filter((a) => a.status === 200);
    expect(answers.filter((a) => a.status !== 200 && !(a.status === 422 && ['INSUFFICIENT_POOL', 'QUOTA_EXCEEDED'].includes(a.body.error.code)))).toEqual([]);
    expect(granted).toHaveLength(10);
    const group = (await stack.client.get(`/api/v1/share-groups/${groupId}`, { token: owner.token })).body;
    expect(group.poolMb).toBe(0);
    const wallets = await Promise.all(members.map((m) => walletOf(m.token)));
    expect(wallets.reduce((a, b) => a + b, 0)).toBe(500);
    for (const member of group.members) expect(member.drawnThisMonthMb).toBeLessThanOrEqual(300);
    expect(group.members.map((m: { drawnThisMonthMb: number }) => m.drawnThisMonthMb)).toEqual(wallets);
  });

  it('stops every member at the quota when the quota allows fewer draws than the pool does', async () => {
    // The pool holds 2 000 MB; quotas of 120 MB allow two draws of 50 MB each: 10 draws in all.
    const { groupId, owner, members } = await family('1382220000', 2000, 120);
    const answers = await race(groupId, members);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 422 && a.body.error.code === 'QUOTA_EXCEEDED')).toHaveLength(40);
    const group = (await stack.client.get(`/api/v1/share-groups/${groupId}`, { token: owner.token })).body;
    expect(group.poolMb).toBe(1500);
    expect(group.members.map((m: { drawnThisMonthMb: number }) => m.drawnThisMonthMb)).toEqual([100, 100, 100, 100, 100]);
    expect(await Promise.all(members.map((m) => walletOf(m.token)))).toEqual([100, 100, 100, 100, 100]);
  });
});
