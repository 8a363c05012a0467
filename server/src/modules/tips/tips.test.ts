import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';

describe('tips', () => {
  let stack: TestStack;
  let owner: SeededUser;
  let fans: SeededUser[];
  let packetId: string;
  let crowdfundId: string;
  const ROOM = 'tips-room@chatroom';
  let roomPacketId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    [owner, ...fans] = await seedUsers(stack, 5, '1382001');
    await fundWallets(
      stack.server.deps,
      [owner, ...fans].map((u) => u.userId),
      5000,
    );
    packetId = (await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 2 }, { token: owner.token, idempotencyKey: true })).body.id;
    crowdfundId = (
      await stack.client.post(
        '/api/v1/crowdfunds',
        { title: '打赏我', goalMb: 500, deadline: new Date(Date.now() + 86_400_000).toISOString() },
        { token: owner.token, idempotencyKey: true },
      )
    ).body.id;
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}` };
    await stack.server.deps.dataSource.query(`INSERT INTO bot_bindings (contact_id, user_id, created_at) VALUES ('wx-tips-owner', ?, NOW(3))`, [owner.userId]);
    await stack.client.put(`/api/v1/bot/rooms/${encodeURIComponent(ROOM)}/members`, { contactIds: ['wx-tips-owner'] }, { headers: bot });
    roomPacketId = (
      await stack.client.post(
        '/api/v1/red-packets',
        { mode: 'equal', perShareMb: 10, count: 1, roomId: ROOM },
        { headers: { ...bot, 'x-acting-contact': 'wx-tips-owner' }, idempotencyKey: true },
      )
    ).body.id;
  });
  afterAll(() => stack.close());

  const tip = (by: SeededUser, target: { type: string; id: string }, amountMb: number, message?: string) =>
    stack.client.post('/api/v1/tips', { target, amountMb, ...(message === undefined ? {} : { message }) }, { token: by.token, idempotencyKey: true });
  const board = async (by: SeededUser, type: string, id: string) => stack.client.get(`/api/v1/tips/leaderboard?type=${type}&id=${id}`, { token: by.token });

  it("tips a red packet's sender, a crowdfund's creator and a user, each wallet to wallet", async () => {
    const before = await balanceOf(stack.server.deps, owner.userId);
    const fanBefore = await balanceOf(stack.server.deps, fans[0].userId);
    for (const target of [
      { type: 'red_packet', id: packetId },
      { type: 'crowdfund', id: crowdfundId },
      { type: 'user', id: owner.userId },
    ]) {
      const answer = await tip(fans[0], target, 7, '谢谢');
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ id: expect.stringMatching(/^[0-9a-z]{26}$/), toUserId: owner.userId, amountMb: 7 });
    }
    expect(await balanceOf(stack.server.deps, owner.userId)).toBe(before + 21);
    expect(await balanceOf(stack.server.deps, fans[0].userId)).toBe(fanBefore - 21);
    // The owner bound a chat contact: they hear of each tip there.
    const heard = (await stack.client.get(`/api/v1/dev/outbox?to=${owner.phone}`)).body.items;
    expect(heard.slice(0, 3).map((m: { channel: string; text: string }) => [m.channel, m.text])).toEqual([
      ['wechat', `${fans[0].nickname} 打赏了你 7 MB 流量，已存入你的钱包。留言：谢谢`],
      ['wechat', `${fans[0].nickname} 为你的众筹「打赏我」打赏了你 7 MB 流量，已存入你的钱包。留言：谢谢`],
      ['wechat', `${fans[0].nickname} 为你的红包打赏了你 7 MB 流量，已存入你的钱包。留言：谢谢`],
    ]);
  });

  it('refuses a tip to oneself, by any target, and changes nothing', async () => {
    const before = await balanceOf(stack.server.deps, owner.userId);
    for (const target of [
      { type: 'red_packet', id: packetId },
      { type: 'crowdfund', id: crowdfundId },
      { type: 'user', id: owner.userId },
    ]) {
      const answer = await tip(owner, target, 10);
      expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 422, code: 'SELF_TIP' });
    }
    expect(await balanceOf(stack.server.deps, owner.userId)).toBe(before);
  });

  it('takes 1 to 1 024 MB and refuses more, naming the rule', async () => {
    expect((await tip(fans[1], { type: 'user', id: owner.userId }, 1)).status).toBe(201);
    expect((await tip(fans[1], { type: 'user', id: owner.userId }, 1024)).status).toBe(201);
    const tooMuch = await tip(fans[1], { type: 'user', id: owner.userId }, 1025);
    expect({ status: tooMuch.status, code: tooMuch.body.error.code, details: tooMuch.body.error.details }).toEqual({
      status: 422,
      code: 'LIMIT_EXCEEDED',
      details: { rule: 'tip.max', limit: 1024 },
    });
    const none = await tip(fans[1], { type: 'user', id: owner.userId }, 0);
    expect({ status: none.status, code: none.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('ranks tippers by their total, then by who tipped first', async () => {
    const { body: fresh } = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 1 }, { token: owner.token, idempotencyKey: true });
    const target = { type: 'red_packet', id: fresh.id };
    await tip(fans[0], target, 10); // fans[0]: 20 in two tips, first of all
    await tip(fans[1], target, 20); // fans[1]: 20 in one tip, after fans[0]'s first
    await tip(fans[0], target, 10);
    await tip(fans[2], target, 30); // fans[2]: the most
    await tip(fans[3], target, 5);
    const answer = await board(fans[3], 'red_packet', fresh.id);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((i: { userId: string; totalMb: number; count: number }) => [i.userId, i.totalMb, i.count])).toEqual([
      [fans[2].userId, 30, 1],
      [fans[0].userId, 20, 2],
      [fans[1].userId, 20, 1],
      [fans[3].userId, 5, 1],
    ]);
    expect(answer.body.items[0].nickname).toBe(fans[2].nickname);
  });

  it("shows a user's leaderboard to that user only, a room packet's to its room, and 404 for a guessed id", async () => {
    expect((await board(owner, 'user', owner.userId)).body.items.length).toBeGreaterThan(0);
    const other = await board(fans[0], 'user', owner.userId);
    expect({ status: other.status, code: other.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const outsider = await board(fans[0], 'red_packet', roomPacketId);
    expect({ status: outsider.status, code: outsider.body.error.code }).toEqual({ status: 403, code: 'NOT_IN_ROOM' });
    const outsiderTip = await tip(fans[0], { type: 'red_packet', id: roomPacketId }, 5);
    expect({ status: outsiderTip.status, code: outsiderTip.body.error.code }).toEqual({ status: 403, code: 'NOT_IN_ROOM' });
    expect((await board(owner, 'red_packet', roomPacketId)).status).toBe(200);
    for (const [type, id] of [
      ['crowdfund', '0000000000000000000000000a'],
      ['red_packet', '0000000000000000000000000a'],
    ]) {
      const guessed = await board(fans[0], type, id);
      expect({ status: guessed.status, code: guessed.body.error.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
      const guessedTip = await tip(fans[0], { type, id }, 5);
      expect({ status: guessedTip.status, code: guessedTip.body.error.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    }
    const nobody = await tip(fans[0], { type: 'user', id: '999999' }, 5);
    expect({ status: nobody.status, code: nobody.body.error.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    const noToken = await stack.client.post('/api/v1/tips', { target: { type: 'user', id: owner.userId }, amountMb: 5 }, { idempotencyKey: true });
    expect(noToken.status).toBe(401);
    const botAlone = await stack.client.post(
      '/api/v1/tips',
      { target: { type: 'user', id: owner.userId }, amountMb: 5 },
      { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` }, idempotencyKey: true },
    );
    expect({ status: botAlone.status, code: botAlone.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('answers a retried tip with its first answer and moves the data once', async () => {
    const before = await balanceOf(stack.server.deps, fans[3].userId);
    const send = () => stack.client.post('/api/v1/tips', { target: { type: 'user', id: owner.userId }, amountMb: 9 }, { token: fans[3].token, idempotencyKey: 'tip-retry-1' });
    const [first, again] = [await send(), await send()];
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(await balanceOf(stack.server.deps, fans[3].userId)).toBe(before - 9);
  });
});
