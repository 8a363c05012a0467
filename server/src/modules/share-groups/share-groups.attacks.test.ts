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
});
