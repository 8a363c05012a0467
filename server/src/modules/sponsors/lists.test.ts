import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';

/** The sponsors module's lists follow SPEC §4's list shape: `?limit=&cursor=` → `{items, nextCursor}`. */
describe('the lists of sponsors and of a sponsor’s activities, a page at a time', () => {
  let stack: TestStack;
  let adminToken = '';
  beforeAll(async () => {
    stack = await startTestStack();
    await grantOperator(stack, '13930000001', 'admin');
    adminToken = (await signIn(stack.client, '13930000001')).token;
  });
  afterAll(() => stack.close());

  /** Every item of a list, following nextCursor with `limit` a page, and the pages' sizes. */
  async function walk(path: string, token: string, limit: number): Promise<{ ids: string[]; sizes: number[] }> {
    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const answer = await stack.client.get(`/api/v1${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      expect(answer.status).toBe(200);
      ids.push(...answer.body.items.map((i: { id: string }) => i.id));
      sizes.push(answer.body.items.length);
      cursor = answer.body.nextCursor;
    } while (cursor !== null && sizes.length < 50);
    return { ids, sizes };
  }

  it('pages through every sponsor once, newest first, with the budget and where it stands against its levels', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push(await sponsorWithBudget(stack.client, adminToken, `139300001${String(i).padStart(2, '0')}`, 1000 + i));
    const owner = await signIn(stack.client, '13930000100');
    await stack.client.call('PATCH', `/api/v1/sponsors/${made[0]}`, { warnMb: 5000, alertMb: 1000 }, { token: owner.token });
    const { ids, sizes } = await walk('/ops/sponsors', adminToken, 3);
    expect(ids).toEqual([...made].reverse());
    expect(sizes).toEqual([3, 3, 1]);
    const first = (await stack.client.get('/api/v1/ops/sponsors?limit=100', { token: adminToken })).body;
    expect(first.nextCursor).toBeNull();
    expect(first.items.find((s: { id: string }) => s.id === made[0])).toEqual({
      id: made[0],
      name: '赞助商0100',
      budgetMb: 1000,
      warnMb: 5000,
      alertMb: 1000,
      fundLevel: 'alert',
      createdAt: expect.any(String),
    });
    expect(first.items.find((s: { id: string }) => s.id === made[1])).toMatchObject({ budgetMb: 1001, fundLevel: 'ok' });
  });

  it('pages through a sponsor’s activities once each, newest first, even when several share their creation instant', async () => {
    const sid = await sponsorWithBudget(stack.client, adminToken, '13930000200', 1000);
    const owner = await signIn(stack.client, '13930000200');
    const made = await Promise.all(Array.from({ length: 9 }, () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date()), { token: owner.token })));
    // Six share one instant to the millisecond: the id orders them, and the cursor carries it.
    await stack.server.deps.dataSource.query('UPDATE activities SET created_at = ? WHERE id IN (?)', [
      new Date('2026-06-01T00:00:00.123Z'),
      made.slice(0, 6).map((m) => m.body.id),
    ]);
    const { ids } = await walk(`/sponsors/${sid}/activities`, owner.token, 2);
    expect([...ids].sort()).toEqual(made.map((m) => m.body.id).sort());
    expect(new Set(ids).size).toBe(9);
  });

  it('pages through the running activities a user is eligible for, soonest to end first, skipping those whose targeting leaves them out', async () => {
    const sid = await sponsorWithBudget(stack.client, adminToken, '13930000300', 100_000);
    const owner = await signIn(stack.client, '13930000300');
    const user = await signIn(stack.client, '13930000301');
    const at = new Date();
    const made: Array<{ id: string; eligible: boolean }> = [];
    for (let i = 0; i < 7; i++) {
      // Every third is for another carrier than the user's: left out of the user's pages.
      const me = (await stack.client.get('/api/v1/me', { token: user.token })).body;
      const eligible = i % 3 !== 1;
      const carriers = eligible ? [me.carrier] : [['cmcc', 'unicom', 'telecom'].find((c) => c !== me.carrier)];
      const request = activityRequest(at, { endsAt: new Date(at.getTime() + (20 + i) * 86_400_000).toISOString(), targeting: { carriers } });
      made.push({ id: await publishedActivity(stack.client, owner.token, sid, request), eligible });
    }
    const mine = (await walk('/activities', user.token, 2)).ids.filter((id) => made.some((m) => m.id === id));
    expect(mine).toEqual(made.filter((m) => m.eligible).map((m) => m.id));
  });

  it('pages through an activity’s rewards, newest first, with phones masked', async () => {
    const sid = await sponsorWithBudget(stack.client, adminToken, '13930000400', 10_000);
    const owner = await signIn(stack.client, '13930000400');
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { budgetMb: 1000 }));
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await signIn(stack.client, `1393000041${i}`));
    for (const u of users) expect((await stack.client.post(`/api/v1/activities/${aid}/checkin`, undefined, { token: u.token, idempotencyKey: true })).status).toBe(200);
    const first = await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}/rewards?limit=2`, { token: owner.token });
    expect(first.body.items[0]).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      nickname: expect.any(String),
      phone: '139****0414',
      amountMb: 10,
      reason: 'checkin',
      day: expect.any(String),
      streak: 1,
    });
    const { ids, sizes } = await walk(`/sponsors/${sid}/activities/${aid}/rewards`, owner.token, 2);
    expect(sizes).toEqual([2, 2, 1]);
    expect(new Set(ids).size).toBe(5);
    expect(ids.map(Number)).toEqual(ids.map(Number).sort((a, b) => b - a));
  });

  it.each([
    ['a limit of 0', '?limit=0'],
    ['a limit of 101', '?limit=101'],
    ['a limit that is not a number', '?limit=ten'],
    ['a cursor this list never gave out', '?cursor=bm90LWEtY3Vyc29y'],
    ['a cursor of 201 characters', `?cursor=${'a'.repeat(201)}`],
  ])('refuses %s with 400', async (_name, query) => {
    const sponsors = await stack.client.get(`/api/v1/ops/sponsors${query}`, { token: adminToken });
    expect({ status: sponsors.status, code: sponsors.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const [activity] = await stack.server.deps.dataSource.query('SELECT id, sponsor_id FROM activities LIMIT 1');
    for (const path of [`/sponsors/${activity.sponsor_id}/activities`, '/activities', `/sponsors/${activity.sponsor_id}/activities/${activity.id}/rewards`]) {
      const answer = await stack.client.get(`/api/v1${path}${query}`, { token: adminToken });
      expect({ path, status: answer.status, code: answer.body.error?.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
    }
  });
});
