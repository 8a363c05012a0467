import { io as connect, type Socket } from 'socket.io-client';
import { signIn } from '../test-support/http-client';
import { startTestStack, type TestStack } from '../test-support/stack';
import { seedUsers } from '../test-support/users';
import { LIVE_MAX_MESSAGE_BYTES, MAX_SOCKETS_PER_USER, MAX_SUBSCRIPTIONS_PER_SOCKET } from './live-server';

/** Who may follow which packet over /live, and the bounds on what one client may hold open. */
describe('live events access', () => {
  let stack: TestStack;
  const ROOM = 'live-room@chatroom';
  let sender: { token: string; userId: string };
  let member: { token: string; userId: string };
  let outsider: { token: string; userId: string };
  let roomPacketId: string;
  let linkPacketId: string;
  const sockets: Socket[] = [];

  const open = (auth: Record<string, string>): Socket => {
    const socket = connect(`${stack.url}/live`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };
  const connected = (socket: Socket) =>
    new Promise<void>((resolve, reject) => {
      if (socket.connected) return resolve();
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  const subscribe = (socket: Socket, packetId: unknown) => socket.emitWithAck('subscribe', { packetId });

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.sim.setPlan({ phone: '13600000000', totalMb: 20480, usedMb: 0 });
    sender = await signIn(stack.client, '13600000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 2048 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    [member, outsider] = await seedUsers(stack, 2, '1360001');
    const db = stack.server.deps.dataSource;
    await db.query(`INSERT INTO bot_bindings (contact_id, user_id, created_at) VALUES ('wx-live-sender', ?, NOW(3)), ('wx-live-member', ?, NOW(3)), ('wx-live-outsider', ?, NOW(3))`, [
      sender.userId,
      member.userId,
      outsider.userId,
    ]);
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}` };
    await stack.client.put(`/api/v1/bot/rooms/${encodeURIComponent(ROOM)}/members`, { contactIds: ['wx-live-sender', 'wx-live-member'] }, { headers: bot });
    const roomPacket = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 3, roomId: ROOM }, { headers: { ...bot, 'x-acting-contact': 'wx-live-sender' }, idempotencyKey: true });
    expect(roomPacket.status).toBe(201);
    roomPacketId = String(roomPacket.body.id);
    const linkPacket = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 3 }, { token: sender.token, idempotencyKey: true });
    linkPacketId = String(linkPacket.body.id);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(() => stack.close());

  it('lets members of its room and the bot follow a room packet, refuses anyone else with NOT_IN_ROOM, and sends them none of its events', async () => {
    const watchers = { member: open({ token: member.token }), bot: open({ botToken: stack.config.BOT_TOKEN }), outsider: open({ token: outsider.token }) };
    const seen: Record<keyof typeof watchers, string[]> = { member: [], bot: [], outsider: [] };
    for (const [name, socket] of Object.entries(watchers) as Array<[keyof typeof watchers, Socket]>) {
      await connected(socket);
      socket.onAny((event: string) => seen[name].push(event));
    }
    expect(await subscribe(watchers.member, roomPacketId)).toEqual({ ok: true });
    expect(await subscribe(watchers.bot, roomPacketId)).toEqual({ ok: true });
    expect(await subscribe(watchers.outsider, roomPacketId)).toEqual({ ok: false, error: 'NOT_IN_ROOM' });

    const botHeard = new Promise<void>((resolve) => watchers.bot.once('grabbed', () => resolve()));
    const grab = await stack.client.post(`/api/v1/red-packets/${roomPacketId}/grab`, {}, { token: member.token, idempotencyKey: true });
    expect(grab.status).toBe(200);
    await botHeard;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.member).toContain('grabbed');
    expect(seen.outsider).toEqual([]);
  });

  it('lets anyone signed in follow a link packet by its id, answers an unknown id NOT_FOUND and a malformed one VALIDATION_FAILED', async () => {
    const socket = open({ token: outsider.token });
    await connected(socket);
    expect(await subscribe(socket, linkPacketId)).toEqual({ ok: true });
    expect(await subscribe(socket, '0123456789abcdefghjkmnpqrs')).toEqual({ ok: false, error: 'NOT_FOUND' });
    expect(await subscribe(socket, 'x'.repeat(65))).toEqual({ ok: false, error: 'VALIDATION_FAILED' });
    expect(await subscribe(socket, { id: linkPacketId })).toEqual({ ok: false, error: 'VALIDATION_FAILED' });
  });

  it(`refuses a user's socket beyond ${MAX_SOCKETS_PER_USER} with TOO_MANY_SOCKETS, and takes one again once another closes`, async () => {
    const first = Array.from({ length: MAX_SOCKETS_PER_USER }, () => open({ token: member.token }));
    await Promise.all(first.map(connected));
    const refused = open({ token: member.token });
    await expect(connected(refused)).rejects.toThrow('TOO_MANY_SOCKETS');
    // Another user is not held back by this one.
    await connected(open({ token: outsider.token }));
    first[0]!.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await connected(open({ token: member.token }));
  });

  it('drops a connection that sends a message over the size bound', async () => {
    const socket = open({ token: member.token });
    await connected(socket);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    socket.emit('subscribe', { packetId: 'x'.repeat(LIVE_MAX_MESSAGE_BYTES + 1) });
    expect(await closed).toMatch(/transport close|transport error/);
  });

  it(`follows at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} packets on one socket`, async () => {
    const ids: string[] = [];
    for (let i = 0; i <= MAX_SUBSCRIPTIONS_PER_SOCKET; i++) {
      const packet = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 1, count: 1 }, { token: sender.token, idempotencyKey: true });
      ids.push(String(packet.body.id));
    }
    const socket = open({ token: outsider.token });
    await connected(socket);
    for (const id of ids.slice(0, MAX_SUBSCRIPTIONS_PER_SOCKET)) expect(await subscribe(socket, id)).toEqual({ ok: true });
    expect(await subscribe(socket, ids[MAX_SUBSCRIPTIONS_PER_SOCKET])).toEqual({ ok: false, error: 'LIMIT_EXCEEDED' });
    // Following one already followed again is no new subscription.
    expect(await subscribe(socket, ids[0])).toEqual({ ok: true });
  });

  it("tells a user's own sockets, and nobody else's, that their wallet changed when a gift arrives or they grab", async () => {
    const mine = open({ token: member.token });
    const theirs = open({ token: outsider.token });
    await Promise.all([connected(mine), connected(theirs)]);
    const seen: Record<'mine' | 'theirs', string[]> = { mine: [], theirs: [] };
    mine.on('walletChanged', (event: { kind: string }) => seen.mine.push(event.kind));
    theirs.on('walletChanged', (event: { kind: string }) => seen.theirs.push(event.kind));
    const [row] = await stack.server.deps.dataSource.query('SELECT phone FROM users WHERE id = ?', [member.userId]);
    expect((await stack.client.post('/api/v1/gifts', { toPhone: row.phone, amountMb: 10 }, { token: sender.token, idempotencyKey: true })).status).toBe(201);
    expect((await stack.client.post(`/api/v1/red-packets/${linkPacketId}/grab`, {}, { token: member.token, idempotencyKey: true })).status).toBe(200);
    for (let i = 0; i < 100 && seen.mine.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.mine).toEqual(['gift', 'red_packet_grab']);
    expect(seen.theirs).toEqual([]);
  });
});
