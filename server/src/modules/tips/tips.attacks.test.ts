import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';

/** Tips attacked as a hostile or buggy client would, through the HTTP API. */
describe('tips under attack', () => {
  let stack: TestStack;
  let alice: SeededUser;
  let bob: SeededUser;

  beforeAll(async () => {
    stack = await startTestStack();
    [alice, bob] = await seedUsers(stack, 2, '1382101');
    await fundWallets(stack.server.deps, [alice.userId, bob.userId], 1000);
  });
  afterAll(() => stack.close());

  const tip = (by: SeededUser, target: { type: string; id: string }, amountMb: number) =>
    stack.client.post('/api/v1/tips', { target, amountMb }, { token: by.token, idempotencyKey: true });

  it('refuses a tip to oneself spelled with leading zeros (422 SELF_TIP, not a 500) and moves nothing', async () => {
    const before = await balanceOf(stack.server.deps, alice.userId);
    for (const id of [`0${alice.userId}`, `000${alice.userId}`]) {
      const answer = await tip(alice, { type: 'user', id }, 10);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 422, code: 'SELF_TIP' });
    }
    expect(await balanceOf(stack.server.deps, alice.userId)).toBe(before);
  });

  it("counts a tip to a user id spelled with leading zeros on that user's own leaderboard", async () => {
    const answer = await tip(bob, { type: 'user', id: `00${alice.userId}` }, 5);
    expect(answer.status).toBe(201);
    expect(answer.body.toUserId).toBe(alice.userId);
    const board = await stack.client.get(`/api/v1/tips/leaderboard?type=user&id=${alice.userId}`, { token: alice.token });
    expect(board.body.items).toEqual([{ userId: bob.userId, nickname: bob.nickname, totalMb: 5, count: 1 }]);
  });
});
