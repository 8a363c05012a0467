import { io as connect, type Socket } from 'socket.io-client';
import { manualClock } from '../../platform/clock';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { inTransaction } from '../../db/sql';
import { LEDGER_REGISTRY } from '../../ledger-registrations';
import { escrowCode, walletCode } from '../ledger/accounts';
import { auditLedger } from '../ledger/audit';

describe('red packets', () => {
  let stack: TestStack;
  const clock = manualClock(new Date());
  let sender: { token: string; userId: string };
  let friends: Array<{ userId: string; phone: string; nickname: string; token: string }>;

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
    await stack.sim.setPlan({ phone: '13700000000', totalMb: 40960, usedMb: 0 });
    sender = await signIn(stack.client, '13700000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 10240 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    friends = await seedUsers(stack, 10, '1370001');
  });
  afterAll(() => stack.close());

  const send = (body: object, token = sender.token) => stack.client.post('/api/v1/red-packets', body, { token, idempotencyKey: true });
  const grab = (id: string, token: string, body: object = {}) => stack.client.post(`/api/v1/red-packets/${id}/grab`, body, { token, idempotencyKey: true });
  const balance = async (token: string) => (await stack.client.get('/api/v1/wallet', { token })).body.balanceMb;

  it('splits a random packet among grabbers, finishes it and names the luckiest', async () => {
    const before = await balance(sender.token);
    const packet = await send({ mode: 'random', totalMb: 100, count: 3, greeting: '恭喜发财' });
    expect(packet.status).toBe(201);
    expect(packet.body).toMatchObject({ mode: 'random', status: 'open', count: 3, totalMb: 100, remainingCount: 3, remainingMb: 100, greeting: '恭喜发财', hasPassphrase: false, luckiest: null });
    expect(await balance(sender.token)).toBe(before - 100);
    const results = [];
    for (const friend of friends.slice(0, 3)) results.push((await grab(packet.body.id, friend.token)).body);
    expect(results.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(results.reduce((sum, r) => sum + r.amountMb, 0)).toBe(100);
    const sold = await grab(packet.body.id, friends[3].token);
    expect(sold.status).toBe(409);
    expect(sold.body.error.code).toBe('SOLD_OUT');
    const view = (await stack.client.get(`/api/v1/red-packets/${packet.body.id}`, { token: sender.token })).body;
    expect(view).toMatchObject({ status: 'finished', remainingCount: 0, remainingMb: 0 });
    const best = Math.max(...results.map((r) => r.amountMb));
    const luckyIndex = results.findIndex((r) => r.amountMb === best);
    expect(view.luckiest).toEqual({ userId: friends[luckyIndex].userId, nickname: friends[luckyIndex].nickname, amountMb: best });
    for (const [i, friend] of friends.slice(0, 3).entries()) expect(await balance(friend.token)).toBe(results[i].amountMb);
    const story = (await stack.client.get('/api/v1/wallet/entries', { token: friends[0].token })).body.items[0];
    expect(story).toMatchObject({ kind: 'red_packet_grab', direction: 'in', amountMb: results[0].amountMb, counterparty: { type: 'user', nickname: packet.body.senderNickname, maskedPhone: '137****0000' }, refType: 'red_packet', refId: packet.body.id });
    const [grabbedLot] = (await stack.client.get('/api/v1/wallet', { token: friends[0].token })).body.lots;
    expect(story.arrivedExpiry).toEqual({ earliest: grabbedLot.expiresAt, latest: grabbedLot.expiresAt });
  });

  it('gives everyone the same share in an equal packet, and lets the sender grab too', async () => {
    const packet = await send({ mode: 'equal', perShareMb: 20, count: 2 });
    expect(packet.body).toMatchObject({ totalMb: 40 });
    expect((await grab(packet.body.id, sender.token)).body).toEqual({ amountMb: 20, rank: 1 });
    expect((await grab(packet.body.id, friends[4].token)).body).toEqual({ amountMb: 20, rank: 2 });
    // The sender's own share came from the packet, not from a person.
    const ownShare = (await stack.client.get('/api/v1/wallet/entries', { token: sender.token })).body.items[0];
    expect(ownShare).toMatchObject({ kind: 'red_packet_grab', direction: 'in', amountMb: 20, counterparty: { type: 'account', account: 'red_packet' } });
  });

  it('answers a second grab by the same user with the share they hold, and moves nothing', async () => {
    const packet = await send({ mode: 'equal', perShareMb: 10, count: 5 });
    const first = await grab(packet.body.id, friends[5].token);
    const before = await balance(friends[5].token);
    const again = await grab(packet.body.id, friends[5].token);
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });
    expect(await balance(friends[5].token)).toBe(before);
    expect((await stack.client.get(`/api/v1/red-packets/${packet.body.id}`, { token: sender.token })).body.remainingCount).toBe(4);
  });

  it('needs the passphrase to grab a passphrase packet', async () => {
    const packet = await send({ mode: 'random', totalMb: 50, count: 2, passphrase: '恭喜发财' });
    expect(packet.body.hasPassphrase).toBe(true);
    // Shown to whoever may see the packet, as the bot's room sees it in the sender's command;
    // never on the public cover a link shows before sign-in.
    expect((await stack.client.get(`/api/v1/red-packets/${packet.body.id}`, { token: friends[6].token })).body.passphrase).toBe('恭喜发财');
    expect(JSON.stringify((await stack.client.get(`/api/v1/red-packets/${packet.body.id}/cover`)).body)).not.toContain('恭喜发财');
    const wrong = await grab(packet.body.id, friends[6].token, { passphrase: '新年快乐' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('WRONG_PASSPHRASE');
    const none = await grab(packet.body.id, friends[6].token);
    expect(none.body.error.code).toBe('WRONG_PASSPHRASE');
    expect((await grab(packet.body.id, friends[6].token, { passphrase: '恭喜发财' })).status).toBe(200);
  });

  it('lets only members of its room grab a room packet', async () => {
    const db = stack.server.deps.dataSource;
    await db.query(`INSERT INTO bot_bindings (contact_id, user_id, created_at) VALUES ('wxid_sender', ?, NOW(3)), ('wxid_member', ?, NOW(3)), ('wxid_outsider', ?, NOW(3))`, [sender.userId, friends[7].userId, friends[8].userId]);
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-contact': 'wxid_sender' };
    const fromBot = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 2, roomId: 'room-1@chatroom' }, { headers: bot, idempotencyKey: true });
    expect(fromBot.status).toBe(201);
    await db.query(`INSERT INTO room_members (room_id, contact_id, joined_at) VALUES ('room-1@chatroom', 'wxid_member', NOW(3))`);
    const outsider = await grab(fromBot.body.id, friends[8].token);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('NOT_IN_ROOM');
    expect((await grab(fromBot.body.id, friends[7].token)).body).toEqual({ amountMb: 10, rank: 1 });
    // A room packet comes from the bot: a user cannot bind a packet to a room by themselves.
    expect((await send({ mode: 'equal', perShareMb: 10, count: 2, roomId: 'room-1@chatroom' })).status).toBe(403);
  });

  it.each([
    ['count 0', { mode: 'random', totalMb: 100, count: 0 }, 400, 'VALIDATION_FAILED'],
    ['count 201', { mode: 'random', totalMb: 1000, count: 201 }, 400, 'VALIDATION_FAILED'],
    ['a random total below the count', { mode: 'random', totalMb: 4, count: 5 }, 400, 'VALIDATION_FAILED'],
    ['an equal packet given a total', { mode: 'equal', totalMb: 100, count: 5 }, 400, 'VALIDATION_FAILED'],
    ['a random packet given a per-share amount', { mode: 'random', perShareMb: 10, count: 5 }, 400, 'VALIDATION_FAILED'],
    ['an unknown mode', { mode: 'lucky', totalMb: 100, count: 5 }, 400, 'VALIDATION_FAILED'],
    ['a fractional total', { mode: 'random', totalMb: 10.5, count: 5 }, 400, 'VALIDATION_FAILED'],
    ['a total over 102 400 MB', { mode: 'equal', perShareMb: 1000, count: 103 }, 422, 'LIMIT_EXCEEDED'],
    ['more than the wallet holds', { mode: 'random', totalMb: 90000, count: 5 }, 422, 'INSUFFICIENT_BALANCE'],
  ])('refuses %s and changes nothing', async (_name, body, status, code) => {
    const before = await balance(sender.token);
    const answer = await send(body);
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
    expect(await balance(sender.token)).toBe(before);
  });

  it('names the broken rule and its limit when a packet holds more than the maximum total', async () => {
    const answer = await send({ mode: 'equal', perShareMb: 1000, count: 103 });
    expect(answer.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { rule: 'red-packet.total', limit: 102400 } });
  });

  it('answers 404 for a packet that does not exist', async () => {
    expect((await grab('999999', friends[0].token)).status).toBe(404);
    expect((await stack.client.get('/api/v1/red-packets/999999', { token: friends[0].token })).status).toBe(404);
  });

  it('refunds what is left exactly once when a packet expires, and then answers 409 EXPIRED', async () => {
    const packet = await send({ mode: 'equal', perShareMb: 10, count: 3 });
    await grab(packet.body.id, friends[9].token);
    const before = await balance(sender.token);
    clock.advanceMs(24 * 3600_000 + 1);
    const late = await grab(packet.body.id, friends[0].token);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('EXPIRED');
    const services = stack.server.services.redPackets;
    const refunds = await Promise.all([services.refundExpiredPackets(), services.refundExpiredPackets()]);
    // Earlier packets of this file expire at the same moment; only this one still had data left.
    const view = (await stack.client.get(`/api/v1/red-packets/${packet.body.id}`, { token: sender.token })).body;
    expect(view.status).toBe('expired');
    expect(await balance(sender.token)).toBeGreaterThanOrEqual(before + 20);
    expect(refunds.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await services.refundExpiredPackets()).toBe(0);
    const entries = (await stack.client.get('/api/v1/wallet/entries', { token: sender.token })).body.items;
    const refundsOfThis = entries.filter((e: { kind: string; refId: string }) => e.kind === 'red_packet_refund' && e.refId === packet.body.id);
    expect(refundsOfThis).toEqual([expect.objectContaining({ amountMb: 20, direction: 'in' })]);
  });

  describe('live events', () => {
    let socket: Socket;
    afterEach(() => socket?.disconnect());

    it('sends grabbed and finished to a subscribed client', async () => {
      const packet = await send({ mode: 'equal', perShareMb: 10, count: 2 });
      socket = connect(`${stack.url}/live`, { auth: { token: sender.token }, transports: ['websocket'] });
      const events: Array<[string, any]> = [];
      socket.on('grabbed', (e) => events.push(['grabbed', e]));
      socket.on('finished', (e) => events.push(['finished', e]));
      expect(await socket.emitWithAck('subscribe', { packetId: packet.body.id })).toEqual({ ok: true });
      await grab(packet.body.id, friends[1].token);
      await grab(packet.body.id, friends[2].token);
      for (let i = 0; i < 50 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      expect(events.map(([name]) => name)).toEqual(['grabbed', 'grabbed', 'finished']);
      expect(events[1][1]).toMatchObject({ packetId: packet.body.id, userId: friends[2].userId, amountMb: 10, remainingCount: 0, remainingMb: 0 });
      // Equal shares: nobody is 手气最佳.
      expect(events[2][1].luckiest).toBeNull();
    });

    it('acknowledges a subscription to an unknown packet with an error', async () => {
      socket = connect(`${stack.url}/live`, { auth: { token: sender.token }, transports: ['websocket'] });
      expect(await socket.emitWithAck('subscribe', { packetId: '424242' })).toEqual({ ok: false, error: 'NOT_FOUND' });
    });

    it('refuses a socket without a valid token', async () => {
      socket = connect(`${stack.url}/live`, { auth: { token: 'forged' }, transports: ['websocket'], reconnection: false });
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('UNAUTHENTICATED');
    });
  });

  it('answers a retry of a grab with the share held, under the same key, even once the packet sold out and expired', async () => {
    const packet = await send({ mode: 'equal', perShareMb: 10, count: 1 });
    const key = 'grab-retried-after-the-end';
    const first = await stack.client.post(`/api/v1/red-packets/${packet.body.id}/grab`, {}, { token: friends[9].token, idempotencyKey: key });
    expect(first.body).toEqual({ amountMb: 10, rank: 1 });
    // The answer was lost and its Redis idempotency record with it; the packet ends meanwhile.
    for (const k of await stack.server.deps.redis.keys(`${stack.config.REDIS_PREFIX}:idem:*`)) await stack.server.deps.redis.del(k);
    clock.advanceMs(25 * 60 * 60 * 1000);
    const retry = await stack.client.post(`/api/v1/red-packets/${packet.body.id}/grab`, {}, { token: friends[9].token, idempotencyKey: key });
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: { amountMb: 10, rank: 1 } });
    const stranger = await grab(packet.body.id, friends[8].token);
    expect(stranger.body.error.code).toMatch(/SOLD_OUT|EXPIRED/);
    clock.advanceMs(-25 * 60 * 60 * 1000);
  });

  it('is audited by the ledger for data left in the escrow of a finished packet', async () => {
    const packet = await send({ mode: 'equal', perShareMb: 10, count: 1 });
    expect((await grab(packet.body.id, friends[7].token)).status).toBe(200);
    const { dataSource, ledger } = stack.server.deps;
    const escrow = escrowCode('red_packet', packet.body.id);
    const finishedPacketCheck = 'red packet escrow empty once finished or expired';
    expect((await auditLedger(dataSource.manager, LEDGER_REGISTRY)).map((b) => b.invariant)).not.toContain(finishedPacketCheck);
    // A well-formed transfer keeps every invariant of the ledger itself: only the packet's rule can see it.
    await inTransaction(dataSource, (sql) => ledger.transfer(sql, { fromCode: walletCode(sender.userId), toCode: escrow, amountMb: 5, kind: 'adjustment' }));
    try {
      const breaches = await auditLedger(dataSource.manager, LEDGER_REGISTRY);
      expect(breaches.map((b) => b.invariant)).toEqual([finishedPacketCheck]);
      expect(JSON.parse(breaches[0].detail)).toMatchObject({ code: escrow, balance_mb: '5', expected_mb: 0 });
    } finally {
      await inTransaction(dataSource, (sql) => ledger.transfer(sql, { fromCode: escrow, toCode: walletCode(sender.userId), amountMb: 5, kind: 'adjustment' }));
    }
    expect(await auditLedger(dataSource.manager, LEDGER_REGISTRY)).toEqual([]);
  });
});
