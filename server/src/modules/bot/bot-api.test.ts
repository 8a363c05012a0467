import { manualClock } from '../../platform/clock';
import { inTransaction } from '../../db/sql';
import { enqueueMessage } from '../outbox/outbox';
import { OUTBOX_LEASE_MS, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETRY_BASE_MS } from '../outbox/policy';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { signIn, type CallOptions } from '../../test-support/http-client';
import { issueToken } from '../../http/auth';
import { opaqueId } from '../../platform/ids';
import { DEFAULT_NICKNAME_PATTERN } from '../auth/users';

describe('the bot API', () => {
  let stack: TestStack;
  const clock = manualClock(new Date());
  const ROOM = 'room-bot-api@chatroom';
  const sender = { phone: '13800000001', contactId: 'wx-sender', userId: '' };
  const member = { phone: '13800000002', contactId: 'wx-member', userId: '' };
  const other = { phone: '13800000003', contactId: 'wx-other', userId: '' };

  /** The bot's headers; with a contact, acting for whoever that chat contact is bound to now. */
  const bot = (actingContactId?: string): Record<string, string> => ({
    authorization: `Bot ${stack.config.BOT_TOKEN}`,
    ...(actingContactId ? { 'x-acting-contact': actingContactId } : {}),
  });
  const asBot = (options: CallOptions = {}, actingContactId?: string): CallOptions => ({ ...options, headers: { ...bot(actingContactId), ...options.headers } });

  const nicknameOf = async (phone: string): Promise<string> =>
    (await stack.server.deps.dataSource.query('SELECT nickname FROM users WHERE phone = ?', [phone]))[0].nickname;

  /** Asks for a code as the bot does and reads it from the dev outbox (the resend throttle is tested with sign-in). */
  async function codeFor(phone: string): Promise<string> {
    expect((await stack.client.post('/api/v1/auth/sms-code', { phone }, asBot({ idempotencyKey: true }))).status).toBe(200);
    const items: Array<{ channel: string; text: string }> = (await stack.client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items;
    return /(\d{6})/.exec(items.find((m) => m.channel === 'sms')!.text)![1];
  }
  const bind = async (contactId: string, phone: string, code?: string) =>
    stack.client.post('/api/v1/bot/bindings', { contactId, phone, code: code ?? (await codeFor(phone)) }, asBot({ idempotencyKey: true }));
  const bindingOf = (contactId: string) => stack.client.get(`/api/v1/bot/bindings/${encodeURIComponent(contactId)}`, asBot());
  const roomPath = (roomId = ROOM) => `/api/v1/bot/rooms/${encodeURIComponent(roomId)}`;
  const roomGrab = (contactId: string, body: object = {}, roomId = ROOM) => stack.client.post(`${roomPath(roomId)}/grab`, body, asBot({ idempotencyKey: true }, contactId));
  const sendPacket = (body: object, roomId = ROOM) =>
    stack.client.post('/api/v1/red-packets', { roomId, ...body }, asBot({ idempotencyKey: true }, sender.contactId));
  const packet = async (id: string) => (await stack.client.get(`/api/v1/red-packets/${id}`, asBot())).body;
  const balance = async (contactId: string) => (await stack.client.get('/api/v1/wallet', asBot({}, contactId))).body.balanceMb;

  beforeAll(async () => {
    // Codes are asked for again and again here; the resend interval is tested with sign-in.
    stack = await startTestStack({ SMS_CODE_RESEND_SECONDS: 0 }, clock);
    for (const person of [sender, member, other]) {
      const answer = await bind(person.contactId, person.phone);
      expect(answer.status).toBe(200);
      person.userId = answer.body.userId;
    }
    await stack.sim.setPlan({ phone: sender.phone, totalMb: 20480, usedMb: 0 });
    const deposit = await stack.client.post('/api/v1/storage/deposits', { amountMb: 4096 }, asBot({ idempotencyKey: true }, sender.contactId));
    expect(deposit.body.status).toBe('completed');
  });
  afterAll(() => stack.close());

  describe('bindings', () => {
    it('binds a contact with the code sent to the phone, registering the number, and the code works once', async () => {
      const phone = '13800000010';
      const code = await codeFor(phone);
      const bound = await bind('wx-new', phone, code);
      expect(bound.status).toBe(200);
      expect(bound.body).toEqual({ contactId: 'wx-new', userId: expect.stringMatching(/^\d+$/), phone, nickname: expect.stringMatching(DEFAULT_NICKNAME_PATTERN) });
      expect((await bindingOf('wx-new')).body).toEqual(bound.body);
      const again = await bind('wx-new-2', phone, code);
      expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 422, code: 'CODE_EXPIRED' });
      expect((await bindingOf('wx-new-2')).status).toBe(404);
    });

    it('refuses a wrong code and binds nothing', async () => {
      const phone = '13800000011';
      const code = await codeFor(phone);
      const wrong = await bind('wx-wrong', phone, code === '000000' ? '111111' : '000000');
      expect({ status: wrong.status, code: wrong.body.error.code }).toEqual({ status: 422, code: 'CODE_INVALID' });
      const lookUp = await bindingOf('wx-wrong');
      expect({ status: lookUp.status, code: lookUp.body.error.code }).toEqual({ status: 404, code: 'CONTACT_NOT_BOUND' });
      expect(await stack.server.deps.dataSource.query('SELECT id FROM users WHERE phone = ?', [phone])).toEqual([]);
    });

    it('replaces the binding of a contact that binds another phone, and releases the old contact of a user bound again', async () => {
      expect((await bind('wx-switch', '13800000012')).status).toBe(200);
      const switched = await bind('wx-switch', '13800000013');
      expect((await bindingOf('wx-switch')).body).toMatchObject({ phone: '13800000013', userId: switched.body.userId });
      // The same person on a new chat account: the old account no longer acts for them.
      const moved = await bind('wx-switch-new', '13800000013');
      expect(moved.body.userId).toBe(switched.body.userId);
      expect((await bindingOf('wx-switch')).body.error.code).toBe('CONTACT_NOT_BOUND');
      expect((await bindingOf('wx-switch-new')).body).toMatchObject({ phone: '13800000013' });
    });

    it('replays a binding for the same Idempotency-Key', async () => {
      const phone = '13800000014';
      const body = { contactId: 'wx-replay', phone, code: await codeFor(phone) };
      const first = await stack.client.post('/api/v1/bot/bindings', body, asBot({ idempotencyKey: 'bind-once' }));
      const second = await stack.client.post('/api/v1/bot/bindings', body, asBot({ idempotencyKey: 'bind-once' }));
      expect(second.status).toBe(200);
      expect(second.headers.get('idempotency-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
    });

    it.each([
      ['no code', { contactId: 'wx-bad', phone: '13800000015' }],
      ['a five-digit code', { contactId: 'wx-bad', phone: '13800000015', code: '12345' }],
      ['a bad phone', { contactId: 'wx-bad', phone: '23800000015', code: '123456' }],
      ['an empty contact id', { contactId: '', phone: '13800000015', code: '123456' }],
      ['a contact id of 129 characters', { contactId: 'x'.repeat(129), phone: '13800000015', code: '123456' }],
      ['an unknown field', { contactId: 'wx-bad', phone: '13800000015', code: '123456', userId: '1' }],
    ])('refuses a binding with %s and changes nothing', async (_name, body) => {
      const answer = await stack.client.post('/api/v1/bot/bindings', body, asBot({ idempotencyKey: true }));
      expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect((await bindingOf('wx-bad')).status).toBe(404);
      expect(await stack.server.deps.dataSource.query('SELECT id FROM users WHERE phone = ?', ['13800000015'])).toEqual([]);
    });
  });

  describe('access', () => {
    it('refuses a user token on every bot route with 403, and no credentials with 401', async () => {
      const user = await signIn(stack.client, '13800000030');
      const token = { token: user.token, idempotencyKey: true as const };
      const answers = await Promise.all([
        stack.client.get(`/api/v1/bot/bindings/${sender.contactId}`, token),
        stack.client.post('/api/v1/bot/bindings', { contactId: 'wx-x', phone: '13800000030', code: '123456' }, token),
        stack.client.put(`${roomPath()}/members`, { contactIds: ['wx-x'] }, token),
        stack.client.post(`${roomPath()}/members`, { contactId: 'wx-x' }, token),
        stack.client.delete(`${roomPath()}/members/${member.contactId}`, token),
        stack.client.post(`${roomPath()}/grab`, {}, token),
        stack.client.post('/api/v1/bot/outbox/claim', { limit: 10 }, token),
        stack.client.post('/api/v1/bot/outbox/1/result', { status: 'sent' }, token),
      ]);
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(403));
      expect((await stack.client.get(`/api/v1/bot/bindings/${sender.contactId}`)).status).toBe(401);
      expect((await stack.client.get(`/api/v1/bot/bindings/${sender.contactId}`, { headers: { authorization: 'Bot wrong-token' } })).status).toBe(401);
    });

    const me = (options: CallOptions) => stack.client.get('/api/v1/me', options);
    const giftCount = async () => Number((await stack.server.deps.dataSource.query('SELECT COUNT(*) AS n FROM gifts'))[0].n);

    it('refuses an unbound contact with 403 CONTACT_NOT_BOUND and moves nothing', async () => {
      const before = { gifts: await giftCount(), sender: await balance(sender.contactId) };
      const gift = await stack.client.post('/api/v1/gifts', { toPhone: member.phone, amountMb: 10 }, asBot({ idempotencyKey: true }, 'wx-never-bound'));
      expect({ status: gift.status, code: gift.body.error.code }).toEqual({ status: 403, code: 'CONTACT_NOT_BOUND' });
      const grab = await roomGrab('wx-never-bound');
      expect({ status: grab.status, code: grab.body.error.code }).toEqual({ status: 403, code: 'CONTACT_NOT_BOUND' });
      expect({ gifts: await giftCount(), sender: await balance(sender.contactId) }).toEqual(before);
    });

    it('acts for the contact\'s current binding at once when it binds another phone, and not at all once its user moves to another contact', async () => {
      const first = await bind('wx-rebind', '13800000031');
      expect((await me(asBot({}, 'wx-rebind'))).body).toMatchObject({ id: first.body.userId, phone: '13800000031' });
      const second = await bind('wx-rebind', '13800000032');
      expect((await me(asBot({}, 'wx-rebind'))).body).toMatchObject({ id: second.body.userId, phone: '13800000032' });
      // The owner of 13800000032 binds a new chat account: the old one acts for nobody, on the very next request.
      await bind('wx-rebind-new', '13800000032');
      const stale = await me(asBot({}, 'wx-rebind'));
      expect({ status: stale.status, code: stale.body.error.code }).toEqual({ status: 403, code: 'CONTACT_NOT_BOUND' });
      expect((await me(asBot({}, 'wx-rebind-new'))).body).toMatchObject({ id: second.body.userId });
    });

    it('does not act for anyone named by X-Acting-User: the bot token is no master key', async () => {
      const before = { gifts: await giftCount(), sender: await balance(sender.contactId) };
      const headers = { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-user': sender.userId };
      const wallet = await stack.client.get('/api/v1/wallet', { headers });
      expect(wallet.status).toBe(403);
      expect(wallet.body.balanceMb).toBeUndefined();
      const gift = await stack.client.post('/api/v1/gifts', { toPhone: member.phone, amountMb: 10 }, { headers, idempotencyKey: true });
      expect(gift.status).toBe(403);
      expect({ gifts: await giftCount(), sender: await balance(sender.contactId) }).toEqual(before);
    });

    it('ignores X-Acting-Contact beside a user\'s own token', async () => {
      const user = await signIn(stack.client, '13800000033');
      const answer = await me({ token: user.token, headers: { 'x-acting-contact': sender.contactId } });
      expect(answer.body).toMatchObject({ id: user.userId, phone: '13800000033' });
    });
  });

  describe('rooms and grabbing', () => {
    const members = async () => (await stack.server.deps.dataSource.query('SELECT contact_id FROM room_members WHERE room_id = ? ORDER BY contact_id', [ROOM])).map((r: { contact_id: string }) => r.contact_id);

    it('replaces, joins and leaves a member list, and only members grab a room packet', async () => {
      const put = await stack.client.put(`${roomPath()}/members`, { contactIds: [sender.contactId, member.contactId, member.contactId] }, asBot());
      expect(put.body).toEqual({ roomId: ROOM, memberCount: 2 });
      const sent = await sendPacket({ mode: 'equal', perShareMb: 10, count: 3 });
      expect(sent.status).toBe(201);

      const outsider = await roomGrab(other.contactId);
      expect({ status: outsider.status, code: outsider.body.error.code }).toEqual({ status: 403, code: 'NOT_IN_ROOM' });
      expect((await stack.client.post(`${roomPath()}/members`, { contactId: other.contactId }, asBot())).body).toEqual({ roomId: ROOM, memberCount: 3 });
      expect((await roomGrab(other.contactId)).body).toEqual({ packetId: sent.body.id, amountMb: 10, rank: 1 });

      expect((await stack.client.delete(`${roomPath()}/members/${member.contactId}`, asBot())).body).toEqual({ roomId: ROOM, memberCount: 2 });
      expect((await roomGrab(member.contactId)).body.error.code).toBe('NOT_IN_ROOM');
      await stack.client.put(`${roomPath()}/members`, { contactIds: [sender.contactId, member.contactId] }, asBot());
      expect(await members()).toEqual([member.contactId, sender.contactId].sort());
      expect((await roomGrab(member.contactId)).body).toMatchObject({ packetId: sent.body.id, amountMb: 10, rank: 2 });
      // Finish it, so later tests start from a room without open plain packets.
      expect((await roomGrab(sender.contactId)).body).toMatchObject({ packetId: sent.body.id, rank: 3 });
    });

    it("lists a room's packets only for the bot, the bot acting for a member, and a member's own token; others get 403 NOT_IN_ROOM", async () => {
      await stack.client.put(`${roomPath()}/members`, { contactIds: [sender.contactId, member.contactId] }, asBot());
      const sent = await sendPacket({ mode: 'equal', perShareMb: 10, count: 3 });
      const list = (options: CallOptions) => stack.client.get(`/api/v1/red-packets?roomId=${encodeURIComponent(ROOM)}`, options);
      const ids = (answer: { body: { items: Array<{ id: string }> } }) => answer.body.items.map((p) => p.id);
      expect(ids(await list(asBot()))).toContain(sent.body.id);
      expect(ids(await list(asBot({}, member.contactId)))).toContain(sent.body.id);
      const memberToken = { token: issueToken(stack.config.JWT_SECRET, member.userId, opaqueId(), 600) };
      expect(ids(await list(memberToken))).toContain(sent.body.id);
      for (const options of [asBot({}, other.contactId), { token: issueToken(stack.config.JWT_SECRET, other.userId, opaqueId(), 600) }, { token: (await signIn(stack.client, '13800000034')).token }]) {
        const refused = await list(options);
        expect({ status: refused.status, code: refused.body.error.code, items: refused.body.items }).toEqual({ status: 403, code: 'NOT_IN_ROOM', items: undefined });
      }
      // Tidy: leave no open plain packet for the tests after this one.
      for (const person of [sender, member]) await roomGrab(person.contactId);
      await stack.client.post(`${roomPath()}/members`, { contactId: other.contactId }, asBot());
      await roomGrab(other.contactId);
    });

    it('grabs the newest plain packet with 抢, then the one before it, and answers 409 ALREADY_GRABBED when all are taken', async () => {
      const older = (await sendPacket({ mode: 'equal', perShareMb: 10, count: 3 })).body.id;
      const newer = (await sendPacket({ mode: 'equal', perShareMb: 20, count: 3 })).body.id;
      await sendPacket({ mode: 'equal', perShareMb: 30, count: 3, passphrase: '恭喜发财' });
      expect((await roomGrab(member.contactId)).body).toEqual({ packetId: newer, amountMb: 20, rank: 1 });
      expect((await roomGrab(member.contactId)).body).toEqual({ packetId: older, amountMb: 10, rank: 1 });
      const third = await roomGrab(member.contactId);
      expect({ status: third.status, code: third.body.error.code }).toEqual({ status: 409, code: 'ALREADY_GRABBED' });
    });

    it('grabs a passphrase packet by its passphrase, and a passphrase that opens nothing is 404 and changes nothing', async () => {
      const opened = (await sendPacket({ mode: 'random', totalMb: 90, count: 3, passphrase: 'Lucky 88' })).body.id;
      const before = { balance: await balance(member.contactId), packet: await packet(opened) };
      for (const wrong of ['lucky 88', 'Lucky', '新年快乐']) {
        const answer = await roomGrab(member.contactId, { passphrase: wrong });
        expect({ wrong, status: answer.status, code: answer.body.error.code }).toEqual({ wrong, status: 404, code: 'NOT_FOUND' });
      }
      expect(await balance(member.contactId)).toBe(before.balance);
      expect((await packet(opened)).remainingCount).toBe(before.packet.remainingCount);
      const grabbed = await roomGrab(member.contactId, { passphrase: '  Lucky 88 ' });
      expect(grabbed.status).toBe(200);
      expect(grabbed.body).toEqual({ packetId: opened, amountMb: expect.any(Number), rank: 1 });
      expect(JSON.stringify(grabbed.body)).not.toContain('Lucky');
      expect(await balance(member.contactId)).toBe(before.balance + grabbed.body.amountMb);
      // Saying the passphrase of the older passphrase packet still opens it.
      expect((await roomGrab(member.contactId, { passphrase: '恭喜发财' })).body).toMatchObject({ amountMb: 30 });
    });

    it('answers 404 NOT_FOUND in a room without open packets', async () => {
      const answer = await roomGrab(member.contactId, {}, 'empty-room@chatroom');
      expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    });

    it.each([
      ['a blank passphrase', { passphrase: '   ' }, {}],
      ['a passphrase of 33 characters', { passphrase: 'x'.repeat(33) }, {}],
      ['an unknown field', { packetId: '1' }, {}],
      ['no Idempotency-Key', {}, { idempotencyKey: undefined }],
    ])('refuses a room grab with %s and moves nothing', async (_name, body, options) => {
      const open = (await sendPacket({ mode: 'equal', perShareMb: 10, count: 1 })).body.id;
      const before = await balance(other.contactId);
      await stack.client.post(`${roomPath()}/members`, { contactId: other.contactId }, asBot());
      const answer = await stack.client.post(`${roomPath()}/grab`, body, asBot({ idempotencyKey: true, ...options }, other.contactId));
      expect(answer.status).toBe(400);
      expect(await balance(other.contactId)).toBe(before);
      expect((await packet(open)).remainingCount).toBe(1);
      expect((await roomGrab(other.contactId)).body).toMatchObject({ packetId: open }); // tidy: leave no open plain packet
    });

    it('refuses a room grab without an acting user, and a room id over 128 characters', async () => {
      expect((await stack.client.post(`${roomPath()}/grab`, {}, asBot({ idempotencyKey: true }))).status).toBe(403);
      expect((await roomGrab(member.contactId, {}, 'r'.repeat(129))).body.error.code).toBe('VALIDATION_FAILED');
      expect((await stack.client.put(`${roomPath()}/members`, { contactIds: Array(5001).fill('wx') }, asBot())).status).toBe(400);
    });
  });

  describe('the wechat outbox', () => {
    const claim = async (limit = 100): Promise<Array<{ id: string; contactId: string; text: string }>> => {
      const answer = await stack.client.post('/api/v1/bot/outbox/claim', { limit }, asBot());
      expect(answer.status).toBe(200);
      return answer.body.items;
    };
    const report = (id: string, body: object) => stack.client.post(`/api/v1/bot/outbox/${id}/result`, body, asBot());
    const enqueue = (to: string, text: string) =>
      inTransaction(stack.server.deps.dataSource, (sql) => enqueueMessage(sql, { channel: 'wechat', to, template: 'test', text }, clock.now()));
    const statusOf = async (id: string) => (await stack.server.deps.dataSource.query('SELECT status, attempts FROM outbox WHERE id = ?', [id]))[0];

    it('writes a personal wechat message for a gift to a bound user, and none for an unbound one', async () => {
      const unbound = await signIn(stack.client, '13800000040');
      expect((await stack.client.post('/api/v1/gifts', { toPhone: member.phone, amountMb: 100, message: '生日快乐' }, asBot({ idempotencyKey: true }, sender.contactId))).status).toBe(201);
      expect((await stack.client.post('/api/v1/gifts', { toPhone: '13800000040', amountMb: 50 }, asBot({ idempotencyKey: true }, sender.contactId))).status).toBe(201);
      const toMember = (await stack.client.get(`/api/v1/dev/outbox?to=${member.phone}`)).body.items.filter((m: { channel: string }) => m.channel === 'wechat');
      const greeting = `${await nicknameOf(member.phone)}，${await nicknameOf(sender.phone)} `;
      expect(toMember).toEqual([expect.objectContaining({ status: 'pending', text: expect.stringMatching(/送给你 100 MB 流量.*留言：生日快乐$/) })]);
      expect(toMember[0].text.startsWith(greeting)).toBe(true);
      const toUnbound = (await stack.client.get('/api/v1/dev/outbox?to=13800000040')).body.items.map((m: { channel: string }) => m.channel);
      expect(toUnbound).not.toContain('wechat');
      expect(unbound.userId).toBeTruthy();
    });

    it('tells a bound sender in the chat when a gift that waited for a new number is claimed by binding it', async () => {
      expect((await stack.client.post('/api/v1/gifts', { toPhone: '13800000060', amountMb: 50 }, asBot({ idempotencyKey: true }, sender.contactId))).body.status).toBe('pending_claim');
      const bound = await bind('wx-newcomer', '13800000060');
      expect(await balance('wx-newcomer')).toBe(50);
      const toSender = (await stack.client.get(`/api/v1/dev/outbox?to=${sender.phone}`)).body.items.filter((m: { channel: string }) => m.channel === 'wechat');
      expect(toSender.map((m: { text: string }) => m.text)).toEqual([`${await nicknameOf(sender.phone)}，你送给 ${bound.body.nickname}（138****0060）的 50 MB 流量已被领取。`]);
    });

    it('hands a message to one claimer at a time while it is leased, resolves its phone to the bound contact, and takes "sent" as final', async () => {
      const id = await enqueue(other.phone, 'lease test');
      const first = (await claim()).filter((m) => m.id === id);
      expect(first).toEqual([{ id, contactId: other.contactId, text: 'lease test' }]);
      expect((await claim()).map((m) => m.id)).not.toContain(id);
      clock.advanceMs(OUTBOX_LEASE_MS + 1);
      expect((await claim()).map((m) => m.id)).toContain(id);
      expect((await report(id, { status: 'sent' })).body).toEqual({ id, status: 'sent', attempts: 2 });
      clock.advanceMs(OUTBOX_LEASE_MS + 1);
      expect((await claim()).map((m) => m.id)).not.toContain(id);
      expect(await statusOf(id)).toMatchObject({ status: 'sent' });
    });

    it('never gives one message to two parallel claims', async () => {
      clock.advanceMs(OUTBOX_LEASE_MS + 1); // leases of earlier tests lapse; those messages join the race too
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => enqueue(member.phone, `race ${i}`)));
      const claims = await Promise.all(Array.from({ length: 4 }, () => claim(10)));
      const handedOut = claims.flat().map((m) => m.id);
      expect(new Set(handedOut).size).toBe(handedOut.length);
      const rest = await claim();
      expect([...handedOut, ...rest.map((m) => m.id)]).toEqual(expect.arrayContaining(ids));
      for (const id of [...handedOut, ...rest.map((m) => m.id)]) await report(id, { status: 'sent' });
    });

    it('retries a failed message with a growing backoff, then gives up after the last attempt', async () => {
      const id = await enqueue(other.phone, 'retry test');
      for (let attempt = 1; attempt <= OUTBOX_MAX_ATTEMPTS; attempt++) {
        expect((await claim()).map((m) => m.id)).toContain(id);
        const answer = await report(id, { status: 'failed', error: 'contact blocked the bot' });
        const final = attempt === OUTBOX_MAX_ATTEMPTS;
        expect(answer.body).toEqual({ id, status: final ? 'failed' : 'pending', attempts: attempt });
        // A second report of the same hand-out changes nothing.
        expect((await report(id, { status: 'failed' })).body).toEqual(answer.body);
        if (final) break;
        // The SMS sender's test asserts the same waits: one policy for every channel.
        const backoffMs = OUTBOX_RETRY_BASE_MS * 2 ** (attempt - 1);
        clock.advanceMs(backoffMs - 10);
        expect((await claim()).map((m) => m.id)).not.toContain(id);
        clock.advanceMs(10);
      }
      clock.advanceMs(24 * 3600_000);
      expect((await claim()).map((m) => m.id)).not.toContain(id);
      expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: OUTBOX_MAX_ATTEMPTS });
      clock.set(new Date()); // back to now for the tests after this one
    });

    it('fails a message for good at its first attempt when the bot says sending again cannot help', async () => {
      const id = await enqueue(other.phone, 'final failure test');
      expect((await claim()).map((m) => m.id)).toContain(id);
      expect((await report(id, { status: 'failed', error: 'contact deleted the bot', retryable: false })).body).toEqual({ id, status: 'failed', attempts: 1 });
      clock.advanceMs(24 * 3600_000);
      expect((await claim()).map((m) => m.id)).not.toContain(id);
      expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: 1 });
      clock.set(new Date());
    });

    it('keeps a message for a phone without a bound contact until one is bound', async () => {
      const id = await enqueue('13800000050', 'waits for a binding');
      expect((await claim()).map((m) => m.id)).not.toContain(id);
      await bind('wx-late', '13800000050');
      expect((await claim()).filter((m) => m.id === id)).toEqual([{ id, contactId: 'wx-late', text: 'waits for a binding' }]);
      await report(id, { status: 'sent' });
    });

    it.each([
      ['a claim of 0', () => stack.client.post('/api/v1/bot/outbox/claim', { limit: 0 }, asBot()), 400],
      ['a claim of 101', () => stack.client.post('/api/v1/bot/outbox/claim', { limit: 101 }, asBot()), 400],
      ['an unknown status', () => report('1', { status: 'delivered' }), 400],
      ['a retryable that is not a boolean', () => report('1', { status: 'failed', retryable: 'no' }), 400],
      ['an unknown message', () => report('999999', { status: 'sent' }), 404],
      ['a message id that is not a number', () => report('abc', { status: 'sent' }), 404],
    ])('refuses %s', async (_name, call, status) => {
      expect((await call()).status).toBe(status);
    });

    it('does not take results for messages of other channels', async () => {
      const [sms] = await stack.server.deps.dataSource.query(`SELECT id, status FROM outbox WHERE channel = 'sms' ORDER BY id LIMIT 1`);
      expect((await report(String(sms.id), { status: 'sent' })).status).toBe(404);
      expect(await statusOf(String(sms.id))).toMatchObject({ status: sms.status });
    });
  });

  // Last: it moves the clock past every packet of this file.
  describe('expiry', () => {
    it('answers 409 EXPIRED for a room packet past its time that is not yet refunded, and 404 once it is', async () => {
      const open = (await sendPacket({ mode: 'equal', perShareMb: 10, count: 2 })).body.id;
      clock.advanceMs(stack.config.RED_PACKET_VALID_SECONDS * 1000 + 1);
      const late = await roomGrab(member.contactId);
      expect({ status: late.status, code: late.body.error.code }).toEqual({ status: 409, code: 'EXPIRED' });
      await stack.server.services.redPackets.refundExpiredPackets();
      expect((await packet(open)).status).toBe('expired');
      expect((await roomGrab(member.contactId)).status).toBe(404);
    });
  });
});
