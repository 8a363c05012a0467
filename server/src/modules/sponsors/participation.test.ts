import { signIn, type HttpClient } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';

/** Signs a number in as a person does, naming an invite code. */
async function signInWithInvite(client: HttpClient, phone: string, invite: string): Promise<{ token: string; userId: string }> {
  await client.post('/api/v1/auth/sms-code', { phone });
  const code = /(\d{6})/.exec((await client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items[0].text)![1];
  const login = await client.post('/api/v1/auth/login', { phone, code, invite });
  if (login.status !== 200) throw new Error(`login ${login.status}: ${JSON.stringify(login.body)}`);
  return { token: login.body.token, userId: login.body.user.id };
}

describe('invite and friend-help activities', () => {
  let stack: TestStack;
  let admin: { token: string };
  beforeAll(async () => {
    // Sign-ins come fast here: each new number waits for no resend interval.
    stack = await startTestStack({ SMS_CODE_RESEND_SECONDS: 0 });
    await grantOperator(stack, '13300000001', 'admin');
    admin = await signIn(stack.client, '13300000001');
  });
  afterAll(() => stack.close());

  const post = (path: string, token: string, idempotencyKey?: true) => stack.client.post(`/api/v1${path}`, undefined, { token, idempotencyKey });
  const balance = async (token: string) => (await stack.client.get('/api/v1/wallet', { token })).body.balanceMb as number;

  it('rewards the inviter once per new number: not twice, not for an existing number, not for themself', async () => {
    const sid = await sponsorWithBudget(stack.client, admin.token, '13300000002', 1000);
    const owner = await signIn(stack.client, '13300000002');
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { type: 'invite', title: '邀请好友' }));
    const inviter = await signIn(stack.client, '13300000010');
    const other = await signIn(stack.client, '13300000011');
    const code = (await post(`/activities/${aid}/invite`, inviter.token)).body.code;
    expect(code).toMatch(/^[0-9a-z]{26}$/);
    expect((await post(`/activities/${aid}/invite`, inviter.token)).body.code).toBe(code);
    const otherCode = (await post(`/activities/${aid}/invite`, other.token)).body.code;

    const newcomer = await signInWithInvite(stack.client, '13300000020', code);
    expect(await balance(inviter.token)).toBe(10);
    expect(await balance(newcomer.token)).toBe(0);
    // The same number again, with another code: it is no longer new.
    await signInWithInvite(stack.client, '13300000020', otherCode);
    expect(await balance(other.token)).toBe(0);
    // A number that existed before: never counts.
    await signInWithInvite(stack.client, '13300000011', code);
    // The inviter with their own code.
    await signInWithInvite(stack.client, '13300000010', code);
    expect(await balance(inviter.token)).toBe(10);
    // An unknown code does not stand in the way of signing up.
    await signInWithInvite(stack.client, '13300000021', 'unknowncode000000000000000');
    const rows = await stack.server.deps.dataSource.query('SELECT invitee_user_id, inviter_user_id, rewarded FROM activity_invites');
    expect(rows).toEqual([{ invitee_user_id: newcomer.userId, inviter_user_id: inviter.userId, rewarded: 1 }]);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}/report`, { token: owner.token })).body).toMatchObject({ spentMb: 10, participants: 1, rewards: 1 });
  });

  it('lets a new number sign up with an invite whose budget is spent, recording it unrewarded', async () => {
    const sid = await sponsorWithBudget(stack.client, admin.token, '13300000003', 1000);
    const owner = await signIn(stack.client, '13300000003');
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { type: 'invite', budgetMb: 10 }));
    const inviter = await signIn(stack.client, '13300000030');
    const code = (await post(`/activities/${aid}/invite`, inviter.token)).body.code;
    await signInWithInvite(stack.client, '13300000031', code);
    const late = await signInWithInvite(stack.client, '13300000032', code);
    expect(await balance(inviter.token)).toBe(10);
    expect((await stack.client.get('/api/v1/me', { token: late.token })).status).toBe(200);
    const [row] = await stack.server.deps.dataSource.query('SELECT rewarded FROM activity_invites WHERE invitee_user_id = ?', [late.userId]);
    expect(row.rewarded).toBe(0);
  });

  it('pays a share exactly once when 30 friends race to help one that needs 5; the sharer helping counts for nothing', async () => {
    const sid = await sponsorWithBudget(stack.client, admin.token, '13300000004', 1000);
    const owner = await signIn(stack.client, '13300000004');
    const aid = await publishedActivity(
      stack.client,
      owner.token,
      sid,
      activityRequest(new Date(), { type: 'share', title: '好友助力', helpersNeeded: 5, reward: { mode: 'fixed', amountMb: 50 }, perUserCapMb: 500 }),
    );
    const sharer = await signIn(stack.client, '13300000040');
    const share = (await post(`/activities/${aid}/share`, sharer.token)).body;
    expect(share.link).toBe(`/#/pages/activities/index?share=${share.code}`);
    expect((await post(`/activities/shares/${share.code}/help`, sharer.token, true)).body).toEqual({ helpers: 0, helpersNeeded: 5 });

    const friends = await seedUsers(stack, 30, '1330100');
    const answers = await Promise.all(friends.map((f) => post(`/activities/shares/${share.code}/help`, f.token, true)));
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    expect(answers.map((a) => a.body.helpers).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // A friend helping twice counts once.
    expect((await post(`/activities/shares/${share.code}/help`, friends[0].token, true)).body).toEqual({ helpers: 30, helpersNeeded: 5 });
    expect(await balance(sharer.token)).toBe(50);
    const rewards = await stack.server.deps.dataSource.query(`SELECT user_id, amount_mb FROM activity_rewards WHERE activity_id = ?`, [aid]);
    expect(rewards).toEqual([{ user_id: sharer.userId, amount_mb: '50' }]);
    expect((await post(`/activities/shares/nosuchshare00000000000000/help`, sharer.token, true)).status).toBe(404);
    expect((await post(`/activities/${aid}/invite`, sharer.token)).body.error.code).toBe('WRONG_STATE');
  });
});

describe('an invite activity that rewards the new user too (INVITE_REWARDS_INVITEE)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ SMS_CODE_RESEND_SECONDS: 0, INVITE_REWARDS_INVITEE: true });
  });
  afterAll(() => stack.close());

  it('pays the inviter and the newcomer once each, from the same escrow', async () => {
    await grantOperator(stack, '13300000001', 'admin');
    const admin = await signIn(stack.client, '13300000001');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13300000002', 1000);
    const owner = await signIn(stack.client, '13300000002');
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { type: 'invite', budgetMb: 100 }));
    const inviter = await signIn(stack.client, '13300000010');
    const code = (await stack.client.post(`/api/v1/activities/${aid}/invite`, undefined, { token: inviter.token })).body.code;
    const newcomer = await signInWithInvite(stack.client, '13300000020', code);
    const balance = async (token: string) => (await stack.client.get('/api/v1/wallet', { token })).body.balanceMb as number;
    expect([await balance(inviter.token), await balance(newcomer.token)]).toEqual([10, 10]);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}/report`, { token: owner.token })).body).toMatchObject({
      spentMb: 20,
      remainingMb: 80,
      participants: 2,
      rewards: 2,
    });
  });
});
