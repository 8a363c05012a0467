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

  it('adds no more members than the limit when many numbers are added at once', async () => {
    const owner = await signIn(stack.client, '13833330000');
    const group = (await stack.client.post('/api/v1/share-groups', { name: '大家庭', monthlyQuotaMb: 100 }, { token: owner.token, idempotencyKey: true })).body;
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        httpClient(urls[i % urls.length]).post(`/api/v1/share-groups/${group.id}/members`, { phone: `1363333${String(i).padStart(4, '0')}` }, { token: owner.token }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(stack.config.SHARE_GROUP_MAX_MEMBERS - 1);
    expect(answers.filter((a) => a.status === 422 && a.body.error.code === 'LIMIT_EXCEEDED')).toHaveLength(15 - (stack.config.SHARE_GROUP_MAX_MEMBERS - 1));
    expect((await stack.client.get(`/api/v1/share-groups/${group.id}`, { token: owner.token })).body.members).toHaveLength(stack.config.SHARE_GROUP_MAX_MEMBERS);
  });

  it('puts a number into one group only when two owners add it at the same moment', async () => {
    const [first, second] = await Promise.all(['13844440000', '13844440001'].map((phone) => signIn(stack.client, phone)));
    const groups = await Promise.all(
      [first, second].map(
        async (owner) => (await stack.client.post('/api/v1/share-groups', { name: '抢人', monthlyQuotaMb: 100 }, { token: owner.token, idempotencyKey: true })).body.id as string,
      ),
    );
    const phones = Array.from({ length: 8 }, (_, i) => `1374444${String(i).padStart(4, '0')}`);
    const answers = await Promise.all(
      phones.flatMap((phone) =>
        [first, second].map((owner, o) =>
          httpClient(urls[o])
            .post(`/api/v1/share-groups/${groups[o]}/members`, { phone }, { token: owner.token })
            .then((a) => ({ phone, a })),
        ),
      ),
    );
    for (const phone of phones) {
      const mine = answers.filter((x) => x.phone === phone).map((x) => (x.a.status === 201 ? 201 : `${x.a.status} ${x.a.body.error.code}`));
      expect(mine.sort()).toEqual([201, '409 ALREADY_IN_GROUP']);
    }
    const [a, b] = await Promise.all(
      groups.map(async (id, o) => (await stack.client.get(`/api/v1/share-groups/${id}`, { token: [first, second][o].token })).body.members.length as number),
    );
    expect(a + b).toBe(2 + phones.length);
  });
});
