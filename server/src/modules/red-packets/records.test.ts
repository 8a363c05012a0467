import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';

/** 红包记录 (`GET /me/red-packets`), a link's public cover, and the create answer's shareUrl (issue 16). */
describe('red packet records and covers', () => {
  let stack: TestStack;
  let sender: { token: string; userId: string };
  let friends: SeededUser[];

  beforeAll(async () => {
    stack = await startTestStack({ PUBLIC_URL: 'https://liuliang.example/' });
    await stack.sim.setPlan({ phone: '13500000000', totalMb: 40960, usedMb: 0 });
    sender = await signIn(stack.client, '13500000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 5000 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    friends = await seedUsers(stack, 4, '1350001');
  });
  afterAll(() => stack.close());

  const send = (body: object) => stack.client.post('/api/v1/red-packets', body, { token: sender.token, idempotencyKey: true });
  const grab = (id: string, token: string) => stack.client.post(`/api/v1/red-packets/${id}/grab`, {}, { token, idempotencyKey: true });
  const records = (token: string, query: string) => stack.client.get(`/api/v1/me/red-packets?${query}`, { token });

  it('answers a new packet with the link a friend opens, under PUBLIC_URL', async () => {
    const packet = await send({ mode: 'equal', perShareMb: 10, count: 1, greeting: '周末快乐' });
    expect(packet.status).toBe(201);
    expect(packet.body.shareUrl).toBe(`https://liuliang.example/#/pages/packet/index?id=${packet.body.id}`);
  });

  it('lists sent packets and received shares newest first, with totals and times 手气最佳, a page at a time', async () => {
    const random = (await send({ mode: 'random', totalMb: 60, count: 2, greeting: '拼手气' })).body;
    const equal = (await send({ mode: 'equal', perShareMb: 15, count: 2 })).body;
    const first = (await grab(random.id, friends[0].token)).body.amountMb;
    const second = (await grab(random.id, friends[1].token)).body.amountMb;
    await grab(equal.id, friends[0].token);
    await grab(equal.id, friends[1].token);

    const sent = (await records(sender.token, 'role=sent&limit=2')).body;
    expect(sent.items.map((r: { id: string }) => r.id)).toEqual([equal.id, random.id]);
    expect(sent.items[1]).toMatchObject({ mode: 'random', status: 'finished', greeting: '拼手气', totalMb: 60, count: 2, remainingCount: 0, myAmountMb: null, luckiest: false });
    expect(sent.summary).toEqual({ count: 3, totalMb: 10 + 60 + 30, luckiestCount: 0 });
    expect(sent.nextCursor).not.toBeNull();
    const rest = (await records(sender.token, `role=sent&limit=2&cursor=${sent.nextCursor}`)).body;
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();

    // The larger share is 手气最佳 (the earlier one on a tie); an equal packet has none.
    const firstIsLuckiest = first >= second;
    const mine = (await records(friends[0].token, 'role=received')).body;
    expect(mine.items.map((r: { id: string; myAmountMb: number; luckiest: boolean }) => [r.id, r.myAmountMb, r.luckiest])).toEqual([
      [equal.id, 15, false],
      [random.id, first, firstIsLuckiest],
    ]);
    expect(mine.items[1].senderNickname).toBe(random.senderNickname);
    expect(mine.summary).toEqual({ count: 2, totalMb: first + 15, luckiestCount: firstIsLuckiest ? 1 : 0 });
    const theirs = (await records(friends[1].token, 'role=received')).body;
    expect(theirs.summary.luckiestCount).toBe(firstIsLuckiest ? 0 : 1);
    // No 手气最佳 on the equal packet itself either.
    expect((await stack.client.get(`/api/v1/red-packets/${equal.id}`, { token: sender.token })).body.luckiest).toBeNull();
  });

  it('shows each person only their own records', async () => {
    const none = (await records(friends[3].token, 'role=sent')).body;
    expect(none).toEqual({ items: [], nextCursor: null, summary: { count: 0, totalMb: 0, luckiestCount: 0 } });
    expect((await records(friends[3].token, 'role=received')).body.items).toEqual([]);
  });

  it('refuses a missing or unknown role, a bad limit, no token and the bot alone', async () => {
    for (const query of ['', 'role=all', 'role=sent&limit=0', 'role=sent&limit=51', 'role=sent&userId=1']) {
      const answer = await records(sender.token, query);
      expect({ query, status: answer.status, code: answer.body.error.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await stack.client.get('/api/v1/me/red-packets?role=sent')).status).toBe(401);
    const bot = await stack.client.get('/api/v1/me/red-packets?role=sent', { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } });
    expect(bot.status).toBe(403);
  });

  it('shows a link holder the cover, signed in or not, and nothing of the grabs', async () => {
    const packet = (await send({ mode: 'random', totalMb: 30, count: 3, greeting: '新年好', passphrase: '芝麻开门' })).body;
    await grab(packet.id, friends[2].token).catch(() => undefined);
    const cover = await stack.client.get(`/api/v1/red-packets/${packet.id}/cover`);
    expect(cover.status).toBe(200);
    expect(cover.body).toEqual({
      id: packet.id,
      mode: 'random',
      status: 'open',
      senderNickname: packet.senderNickname,
      senderAvatarUrl: null,
      greeting: '新年好',
      hasPassphrase: true,
      roomPacket: false,
    });
    // The sender's uploaded face shows on the cover too (a 1×1 PNG).
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const face = (await stack.client.put('/api/v1/me/avatar', { image: png }, { token: sender.token })).body.avatarUrl;
    expect(face).toMatch(/^\/api\/v1\/avatars\//);
    expect((await stack.client.get(`/api/v1/red-packets/${packet.id}/cover`)).body.senderAvatarUrl).toBe(face);
    // And beside their name in the grab list, where a friend without a face has none.
    expect((await stack.client.post(`/api/v1/red-packets/${packet.id}/grab`, { passphrase: '芝麻开门' }, { token: sender.token, idempotencyKey: true })).status).toBe(200);
    expect((await stack.client.post(`/api/v1/red-packets/${packet.id}/grab`, { passphrase: '芝麻开门' }, { token: friends[3].token, idempotencyKey: true })).status).toBe(200);
    const grabs = (await stack.client.get(`/api/v1/red-packets/${packet.id}`, { token: sender.token })).body.grabs;
    expect(Object.fromEntries(grabs.map((g: { userId: string; avatarUrl: string | null }) => [g.userId, g.avatarUrl]))).toEqual({
      [sender.userId]: face,
      [friends[3].userId]: null,
    });
    // A guessed or malformed id names no packet.
    for (const id of ['zzzzzzzzzzzzzzzzzzzzzzzzzz', '1', 'a;drop', 'x'.repeat(40)]) {
      const answer = await stack.client.get(`/api/v1/red-packets/${encodeURIComponent(id)}/cover`);
      expect({ id, status: answer.status, code: answer.body.error.code }).toEqual({ id, status: 404, code: 'NOT_FOUND' });
    }
  });

  it("keeps a room packet's greeting for the room: its cover says only that it belongs to a chat room", async () => {
    const db = stack.server.deps.dataSource;
    await db.query(`INSERT INTO bot_bindings (contact_id, user_id, created_at) VALUES ('wxid_sender_records', ?, NOW(3))`, [sender.userId]);
    await db.query(`INSERT INTO room_members (room_id, contact_id, joined_at) VALUES ('room-records@chatroom', 'wxid_sender_records', NOW(3))`);
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-contact': 'wxid_sender_records' };
    const packet = await stack.client.post(
      '/api/v1/red-packets',
      { mode: 'equal', perShareMb: 10, count: 1, roomId: 'room-records@chatroom', greeting: '群里的' },
      { headers: bot, idempotencyKey: true },
    );
    expect(packet.status).toBe(201);
    const cover = (await stack.client.get(`/api/v1/red-packets/${packet.body.id}/cover`, { token: friends[3].token })).body;
    expect(cover).toMatchObject({ roomPacket: true, greeting: null, status: 'open' });
    expect(cover).not.toHaveProperty('grabs');
  });
});
