import { ShareGroupSchema } from '@liuliang/shared';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';

/** Share groups attacked as a hostile or buggy client would, through the HTTP API. */
describe('share groups under attack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  it("removes nobody for a member ref that only starts with a member's user id (MySQL would cast '12zz' to 12)", async () => {
    const owner = await signIn(stack.client, '13821020001');
    const aunt = await signIn(stack.client, '13821020002');
    const created = await stack.client.post('/api/v1/share-groups', { name: '家', monthlyQuotaMb: 100 }, { token: owner.token, idempotencyKey: true });
    const group = ShareGroupSchema.parse(created.body);
    expect((await stack.client.post(`/api/v1/share-groups/${group.id}/members`, { phone: '13821020002' }, { token: owner.token })).status).toBe(201);

    const junk = await stack.client.delete(`/api/v1/share-groups/${group.id}/members/${aunt.userId}zz`, { token: owner.token });
    expect({ status: junk.status, code: junk.body.error?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    const ownerJunk = await stack.client.delete(`/api/v1/share-groups/${group.id}/members/${owner.userId}k`, { token: owner.token });
    expect({ status: ownerJunk.status, code: ownerJunk.body.error?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    const after = ShareGroupSchema.parse((await stack.client.get(`/api/v1/share-groups/${group.id}`, { token: owner.token })).body);
    expect(after.members.map((m) => m.userId)).toEqual([owner.userId, aunt.userId]);
  });

  it('does not let an owner text a number without end by adding, removing and adding it again (429, and no fourth text)', async () => {
    const owner = await signIn(stack.client, '13821020003');
    const group = ShareGroupSchema.parse(
      (await stack.client.post('/api/v1/share-groups', { name: '加微信领流量', monthlyQuotaMb: 100 }, { token: owner.token, idempotencyKey: true })).body,
    );
    const victim = '13721029999';
    for (let i = 0; i < 3; i++) {
      const added = await stack.client.post(`/api/v1/share-groups/${group.id}/members`, { phone: victim }, { token: owner.token });
      expect(added.status).toBe(201);
      const pending = ShareGroupSchema.parse(added.body).members.find((m) => m.status === 'pending')!;
      expect((await stack.client.delete(`/api/v1/share-groups/${group.id}/members/${pending.memberId}`, { token: owner.token })).status).toBe(200);
    }
    const again = await stack.client.post(`/api/v1/share-groups/${group.id}/members`, { phone: victim }, { token: owner.token });
    expect({ status: again.status, code: again.body.error?.code, rule: again.body.error?.details?.rule }).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
      rule: 'share-group-adds-per-number',
    });
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ShareGroupSchema.parse((await stack.client.get(`/api/v1/share-groups/${group.id}`, { token: owner.token })).body).members).toHaveLength(1);
    expect((await stack.client.get(`/api/v1/dev/outbox?to=${victim}`)).body.items).toHaveLength(3);
  });

  it('does not let an owner text any number of strangers by cycling them through the group (429 past 30 adds a day)', async () => {
    const owner = await signIn(stack.client, '13821020004');
    const group = ShareGroupSchema.parse((await stack.client.post('/api/v1/share-groups', { name: '家', monthlyQuotaMb: 100 }, { token: owner.token, idempotencyKey: true })).body);
    for (let i = 0; i < 30; i++) {
      const added = await stack.client.post(`/api/v1/share-groups/${group.id}/members`, { phone: `136210300${String(i).padStart(2, '0')}` }, { token: owner.token });
      expect(added.status).toBe(201);
      const pending = ShareGroupSchema.parse(added.body).members.find((m) => m.status === 'pending')!;
      expect((await stack.client.delete(`/api/v1/share-groups/${group.id}/members/${pending.memberId}`, { token: owner.token })).status).toBe(200);
    }
    const next = await stack.client.post(`/api/v1/share-groups/${group.id}/members`, { phone: '13621030099' }, { token: owner.token });
    expect({ status: next.status, code: next.body.error?.code, rule: next.body.error?.details?.rule }).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
      rule: 'share-group-adds-per-owner',
    });
    expect((await stack.client.get('/api/v1/dev/outbox?to=13621030099')).body.items).toEqual([]);
  });
});
