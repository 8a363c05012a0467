import { ShareGroupSchema, type ShareGroupMember } from '@liuliang/shared';
import { manualClock } from '../../platform/clock';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { auditLedger } from '../ledger/audit';
import { shanghaiMonthKey } from '../../platform/shanghai-time';
import { LEDGER_REGISTRY } from '../../ledger-registrations';

/** Shanghai is UTC+8: 16:00 UTC on 31 March is midnight of 1 April in Shanghai, still March in UTC. */
const LAST_MINUTE_OF_MARCH_SHANGHAI = new Date('2026-03-31T15:59:00.000Z');
const FIRST_INSTANT_OF_APRIL_SHANGHAI = new Date('2026-03-31T16:00:00.000Z');

describe('share groups', () => {
  let stack: TestStack;
  const clock = manualClock(new Date('2026-03-20T04:00:00.000Z'));
  type Person = { token: string; userId: string; phone: string };
  const people: Record<string, Person> = {};

  const person = async (name: string, phone: string, depositMb = 0): Promise<Person> => {
    if (depositMb > 0) await stack.sim.setPlan({ phone, totalMb: 10240, usedMb: 0 });
    const signedIn = await signIn(stack.client, phone);
    if (depositMb > 0)
      expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: depositMb }, { token: signedIn.token, idempotencyKey: true })).body.status).toBe('completed');
    people[name] = { ...signedIn, phone };
    return people[name];
  };
  const balance = async (p: Person) => (await stack.client.get('/api/v1/wallet', { token: p.token })).body.balanceMb as number;
  const post = (p: Person | undefined, path: string, body: unknown, key: string | true | undefined = true) =>
    stack.client.post(`/api/v1/share-groups${path}`, body, { token: p?.token, idempotencyKey: key });
  const get = (p: Person | undefined, path = '') => stack.client.get(`/api/v1/share-groups${path}`, { token: p?.token });
  const remove = (p: Person, groupId: string, ref: string) => stack.client.delete(`/api/v1/share-groups/${groupId}/members/${ref}`, { token: p.token });
  const create = async (owner: Person, monthlyQuotaMb: number, name = '我们家') => {
    const answer = await post(owner, '', { name, monthlyQuotaMb });
    expect(answer.status).toBe(201);
    return ShareGroupSchema.parse(answer.body);
  };
  const memberOf = (group: { members: ShareGroupMember[] }, p: Person) => group.members.find((m) => m.userId === p.userId);

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
  });
  afterAll(() => stack.close());

  it('creates a group with its owner as first member, found by owner and members alike', async () => {
    const mom = await person('mom', '13810000001', 3000);
    const group = await create(mom, 500);
    expect(group.id).toMatch(/^[0-9a-z]{26}$/);
    expect(group).toMatchObject({ name: '我们家', ownerId: mom.userId, poolMb: 0, monthlyQuotaMb: 500, status: 'active', month: '2026-03', maxMembers: 10 });
    expect(group.members).toEqual([
      { memberId: expect.any(String), userId: mom.userId, phone: '138****0001', nickname: expect.stringMatching(/^用户/), isOwner: true, status: 'joined', drawnThisMonthMb: 0 },
    ]);
    const mine = await get(mom);
    expect(mine.body).toEqual({ items: [group], nextCursor: null });
    expect((await get(mom, `/${group.id}`)).body).toEqual(group);
  });

  it("funds the pool from the owner's wallet and reclaims part of it, never more than the pool holds", async () => {
    const owner = await person('fundOwner', '13810000002', 2000);
    const group = await create(owner, 100);
    const funded = await post(owner, `/${group.id}/fund`, { amountMb: 1200 });
    expect(funded.status).toBe(200);
    expect(funded.body.poolMb).toBe(1200);
    expect(await balance(owner)).toBe(800);
    const reclaimed = await post(owner, `/${group.id}/reclaim`, { amountMb: 300 });
    expect(reclaimed.body.poolMb).toBe(900);
    expect(await balance(owner)).toBe(1100);

    const tooMuch = await post(owner, `/${group.id}/reclaim`, { amountMb: 901 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'INSUFFICIENT_POOL', details: { poolMb: 900 } });
    const beyondWallet = await post(owner, `/${group.id}/fund`, { amountMb: 1101 });
    expect(beyondWallet.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect((await get(owner, `/${group.id}`)).body.poolMb).toBe(900);
    expect(await balance(owner)).toBe(1100);

    const history = await stack.client.get('/api/v1/wallet/entries', { token: owner.token });
    expect(history.body.items.slice(0, 2)).toMatchObject([
      { kind: 'share_group_reclaim', direction: 'in', amountMb: 300, refType: 'share_group', refId: group.id, counterparty: { type: 'account', account: 'share_group' } },
      { kind: 'share_group_fund', direction: 'out', amountMb: 1200, refType: 'share_group', refId: group.id },
    ]);
  });

  it('lets members draw up to the quota in an Asia/Shanghai month, and resets the quota when the Shanghai month turns', async () => {
    const dad = await person('dad', '13810000003', 2000);
    const kid = await person('kid', '13810000004');
    const group = await create(dad, 300);
    await post(dad, `/${group.id}/fund`, { amountMb: 1500 });
    const added = await post(dad, `/${group.id}/members`, { phone: kid.phone }, undefined);
    expect(added.status).toBe(201);
    expect(memberOf(added.body, kid)).toMatchObject({ status: 'joined', isOwner: false, phone: '138****0004', drawnThisMonthMb: 0 });
    const told = await stack.client.get(`/api/v1/dev/outbox?to=${kid.phone}`);
    expect(told.body.items[0]).toMatchObject({ channel: 'sms', text: expect.stringContaining('把你加入了家庭共享「我们家」，每月可领取 300 MB') });

    const first = await post(kid, `/${group.id}/draw`, { amountMb: 200 });
    expect(first.status).toBe(200);
    expect(memberOf(first.body, kid)!.drawnThisMonthMb).toBe(200);
    expect(first.body.poolMb).toBe(1300);
    expect(await balance(kid)).toBe(200);

    clock.set(LAST_MINUTE_OF_MARCH_SHANGHAI);
    const over = await post(kid, `/${group.id}/draw`, { amountMb: 101 });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quotaMb: 300, drawnThisMonthMb: 200, remainingMb: 100 } });
    expect((await post(kid, `/${group.id}/draw`, { amountMb: 100 })).status).toBe(200);
    expect((await post(kid, `/${group.id}/draw`, { amountMb: 1 })).body.error.code).toBe('QUOTA_EXCEEDED');
    // The owner draws within the same quota as everyone else.
    expect((await post(dad, `/${group.id}/draw`, { amountMb: 300 })).status).toBe(200);
    expect((await post(dad, `/${group.id}/draw`, { amountMb: 1 })).body.error.code).toBe('QUOTA_EXCEEDED');

    // Midnight in Shanghai, still 31 March in UTC: a new month for the quota.
    clock.set(FIRST_INSTANT_OF_APRIL_SHANGHAI);
    const april = await get(kid, `/${group.id}`);
    expect(april.body.month).toBe('2026-04');
    expect(april.body.members.map((m: { drawnThisMonthMb: number }) => m.drawnThisMonthMb)).toEqual([0, 0]);
    const again = await post(kid, `/${group.id}/draw`, { amountMb: 300 });
    expect(again.status).toBe(200);
    expect(memberOf(again.body, kid)!.drawnThisMonthMb).toBe(300);
    expect(again.body.poolMb).toBe(1500 - 200 - 100 - 300 - 300);
    expect(await balance(kid)).toBe(600);
  });

  it('refuses a draw larger than the pool even within the quota, and changes nothing', async () => {
    const owner = await person('smallPool', '13810000005', 1000);
    const group = await create(owner, 800);
    await post(owner, `/${group.id}/fund`, { amountMb: 250 });
    const answer = await post(owner, `/${group.id}/draw`, { amountMb: 251 });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'INSUFFICIENT_POOL', details: { poolMb: 250 } });
    const after = (await get(owner, `/${group.id}`)).body;
    expect(after.poolMb).toBe(250);
    expect(after.members[0].drawnThisMonthMb).toBe(0);
  });

  it('answers a repeated draw with the first answer and draws once', async () => {
    const owner = await person('retry', '13810000006', 1000);
    const group = await create(owner, 500);
    await post(owner, `/${group.id}/fund`, { amountMb: 500 });
    const first = await post(owner, `/${group.id}/draw`, { amountMb: 100 }, 'draw-once');
    const second = await post(owner, `/${group.id}/draw`, { amountMb: 100 }, 'draw-once');
    expect(second.headers.get('idempotency-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await balance(owner)).toBe(600);
    expect((await post(owner, `/${group.id}/draw`, { amountMb: 200 }, 'draw-once')).body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('lets a number not yet registered join at its first sign-in, and then draw', async () => {
    const owner = await person('inviter', '13810000007', 1000);
    const group = await create(owner, 200);
    await post(owner, `/${group.id}/fund`, { amountMb: 400 });
    const newcomerPhone = '13710000008';
    const added = await post(owner, `/${group.id}/members`, { phone: newcomerPhone }, undefined);
    expect(added.body.members[1]).toEqual({
      memberId: expect.any(String),
      userId: null,
      phone: '137****0008',
      nickname: null,
      isOwner: false,
      status: 'pending',
      drawnThisMonthMb: 0,
    });
    const sms = await stack.client.get(`/api/v1/dev/outbox?to=${newcomerPhone}`);
    expect(sms.body.items[0]).toMatchObject({ channel: 'sms', text: expect.stringContaining('用本机号码登录即可加入') });

    const newcomer = await person('newcomer', newcomerPhone);
    const mine = await get(newcomer);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0].id).toBe(group.id);
    expect(memberOf(mine.body.items[0], newcomer)).toMatchObject({ status: 'joined', nickname: expect.stringMatching(/^用户/) });
    expect((await post(newcomer, `/${group.id}/draw`, { amountMb: 150 })).status).toBe(200);
    expect(await balance(newcomer)).toBe(150);
  });

  it('removes members, pending ones by member id; a removed member keeps what they drew and their draws still count this month', async () => {
    const owner = await person('remover', '13810000009', 1000);
    const aunt = await person('aunt', '13810000010');
    const group = await create(owner, 200);
    await post(owner, `/${group.id}/fund`, { amountMb: 600 });
    await post(owner, `/${group.id}/members`, { phone: aunt.phone }, undefined);
    const pending = (await post(owner, `/${group.id}/members`, { phone: '13710000011' }, undefined)).body.members[2];
    expect(pending.status).toBe('pending');
    expect((await post(aunt, `/${group.id}/draw`, { amountMb: 150 })).status).toBe(200);

    const removed = await remove(owner, group.id, aunt.userId);
    expect(removed.status).toBe(200);
    expect(memberOf(removed.body, aunt)).toBeUndefined();
    expect(await balance(aunt)).toBe(150);
    expect((await stack.client.get(`/api/v1/dev/outbox?to=${aunt.phone}`)).body.items[0].text).toContain('已把你移出家庭共享「我们家」');
    expect((await get(aunt, `/${group.id}`)).status).toBe(404);
    expect((await post(aunt, `/${group.id}/draw`, { amountMb: 10 })).status).toBe(404);
    expect((await get(aunt)).body.items).toEqual([]);

    const pendingGone = await remove(owner, group.id, pending.memberId);
    expect(pendingGone.body.members).toHaveLength(1);
    // The number is free again: it can be added to this or another group.
    expect((await post(owner, `/${group.id}/members`, { phone: '13710000011' }, undefined)).status).toBe(201);

    const back = await post(owner, `/${group.id}/members`, { phone: aunt.phone }, undefined);
    expect(memberOf(back.body, aunt)!.drawnThisMonthMb).toBe(150);
    expect((await post(aunt, `/${group.id}/draw`, { amountMb: 51 })).body.error.code).toBe('QUOTA_EXCEEDED');

    const ownerLeaving = await remove(owner, group.id, owner.userId);
    expect(ownerLeaving.status).toBe(409);
    expect(ownerLeaving.body.error.code).toBe('OWNER_CANNOT_LEAVE');
    expect((await remove(owner, group.id, '999999')).status).toBe(404);
  });

  it('never takes a member id that starts with digits for the user id those digits spell', async () => {
    const owner = await person('digits-owner', '13810000022');
    const aunt = await person('digits-aunt', '13810000023');
    const group = await create(owner, 200);
    await post(owner, `/${group.id}/members`, { phone: aunt.phone }, undefined);
    // MySQL compares '<userId>zz' with a BIGINT as the number <userId>: the reference must be read by its form.
    expect((await remove(owner, group.id, `${aunt.userId}zz`)).status).toBe(404);
    expect(memberOf((await get(owner, `/${group.id}`)).body, aunt)).toBeDefined();
  });

  it('keeps each person in one group, and a group within its member limit', async () => {
    const owner = await person('bigFamily', '13810000012', 100);
    const group = await create(owner, 50);
    expect((await post(owner, '', { name: '第二个家', monthlyQuotaMb: 50 })).body.error.code).toBe('ALREADY_IN_GROUP');
    const other = await person('otherOwner', '13810000013');
    await create(other, 50);
    const taken = await post(owner, `/${group.id}/members`, { phone: other.phone }, undefined);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('ALREADY_IN_GROUP');
    // A number this group has already is a repeat: the group as it is, nothing added or sent again.
    const again = await post(owner, `/${group.id}/members`, { phone: owner.phone }, undefined);
    expect(again.status).toBe(201);
    expect(again.body.members).toHaveLength(1);
    for (let i = 0; i < 9; i++) expect((await post(owner, `/${group.id}/members`, { phone: `1361000010${i}` }, undefined)).status).toBe(201);
    const eleventh = await post(owner, `/${group.id}/members`, { phone: '13610000199' }, undefined);
    expect(eleventh.status).toBe(422);
    expect(eleventh.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { rule: 'share-group.members', limit: 10 } });
    expect((await get(owner, `/${group.id}`)).body.members).toHaveLength(10);
  });

  it('closes a group: the whole pool back to the owner, members released, nothing more accepted', async () => {
    const owner = await person('closer', '13810000014', 1000);
    const cousin = await person('cousin', '13810000015');
    const group = await create(owner, 300);
    await post(owner, `/${group.id}/fund`, { amountMb: 700 });
    await post(owner, `/${group.id}/members`, { phone: cousin.phone }, undefined);
    await post(cousin, `/${group.id}/draw`, { amountMb: 100 });
    expect((await stack.client.delete(`/api/v1/share-groups/${group.id}`, { token: cousin.token, idempotencyKey: true })).status).toBe(403);

    const closed = await stack.client.delete(`/api/v1/share-groups/${group.id}`, { token: owner.token, idempotencyKey: true });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', poolMb: 0, members: [] });
    expect(await balance(owner)).toBe(900);
    expect(await balance(cousin)).toBe(100);
    expect((await post(owner, `/${group.id}/fund`, { amountMb: 10 })).body.error.code).toBe('GROUP_CLOSED');
    expect((await get(cousin, `/${group.id}`)).status).toBe(404);
    expect((await get(owner)).body.items).toEqual([]);
    // Both are free to start or join another family group.
    expect((await post(cousin, '', { name: '新家', monthlyQuotaMb: 100 })).status).toBe(201);
  });

  it('is audited: a pool that disagrees with its movements, or a quota overdrawn, is named as a breach', async () => {
    const owner = await person('audited', '13810000019', 500);
    const group = await create(owner, 100);
    await post(owner, `/${group.id}/fund`, { amountMb: 300 });
    await post(owner, `/${group.id}/draw`, { amountMb: 100 });
    const db = stack.server.deps.dataSource;
    const breachesOf = async () => (await auditLedger(db.manager, LEDGER_REGISTRY)).map((b) => b.invariant);
    expect(await breachesOf()).toEqual([]);
    // A draw recorded without its transfer: the pool no longer matches, and the quota is overdrawn.
    const forged = await db.query(`INSERT INTO share_group_movements (group_id, user_id, kind, amount_mb, month, created_at) VALUES (?, ?, 'draw', 50, ?, ?)`, [
      group.id,
      owner.userId,
      shanghaiMonthKey(clock.now()),
      clock.now(),
    ]);
    try {
      expect(await breachesOf()).toEqual(['share group pool holds funds minus draws and reclaims', 'share group members draw within their monthly quota']);
    } finally {
      await db.query('DELETE FROM share_group_movements WHERE id = ?', [forged.insertId]);
    }
    expect(await breachesOf()).toEqual([]);
  });

  describe('access', () => {
    let group: { id: string };
    let owner: Person;
    let member: Person;
    let stranger: Person;
    beforeAll(async () => {
      owner = await person('accessOwner', '13810000016', 500);
      member = await person('accessMember', '13810000017');
      stranger = await person('stranger', '13810000018', 500);
      group = await create(owner, 100);
      await post(owner, `/${group.id}/fund`, { amountMb: 200 });
      await post(owner, `/${group.id}/members`, { phone: member.phone }, undefined);
    });
    const snapshot = async () =>
      JSON.stringify([
        await stack.server.deps.dataSource.query('SELECT code, balance_mb FROM accounts ORDER BY id'),
        await stack.server.deps.dataSource.query('SELECT id, phone, user_id FROM share_group_members ORDER BY id'),
        await stack.server.deps.dataSource.query('SELECT COUNT(*) AS n FROM share_group_movements'),
      ]);
    const bot = { authorization: () => `Bot ${stack.config.BOT_TOKEN}` };
    const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string]> = [
      ['a stranger reads the group', () => get(stranger, `/${group.id}`), 404, 'NOT_FOUND'],
      ['a stranger draws', () => post(stranger, `/${group.id}/draw`, { amountMb: 10 }), 404, 'NOT_FOUND'],
      ['a stranger funds', () => post(stranger, `/${group.id}/fund`, { amountMb: 10 }), 404, 'NOT_FOUND'],
      ['a stranger adds themself', () => post(stranger, `/${group.id}/members`, { phone: stranger.phone }, undefined), 404, 'NOT_FOUND'],
      ['a stranger removes a member', () => remove(stranger, group.id, member.userId), 404, 'NOT_FOUND'],
      ['a stranger closes the group', () => stack.client.delete(`/api/v1/share-groups/${group.id}`, { token: stranger.token, idempotencyKey: true }), 404, 'NOT_FOUND'],
      ['a member funds', () => post(member, `/${group.id}/fund`, { amountMb: 10 }), 403, 'FORBIDDEN'],
      ['a member reclaims', () => post(member, `/${group.id}/reclaim`, { amountMb: 10 }), 403, 'FORBIDDEN'],
      ['a member adds a number', () => post(member, `/${group.id}/members`, { phone: '13710000019' }, undefined), 403, 'FORBIDDEN'],
      ['a member removes the owner', () => remove(member, group.id, owner.userId), 403, 'FORBIDDEN'],
      ['a member removes themself', () => remove(member, group.id, member.userId), 403, 'FORBIDDEN'],
      ['a member closes the group', () => stack.client.delete(`/api/v1/share-groups/${group.id}`, { token: member.token, idempotencyKey: true }), 403, 'FORBIDDEN'],
      ['no token reads the group', () => get(undefined, `/${group.id}`), 401, 'UNAUTHENTICATED'],
      ['no token draws', () => post(undefined, `/${group.id}/draw`, { amountMb: 10 }), 401, 'UNAUTHENTICATED'],
      ['no token lists groups', () => get(undefined), 401, 'UNAUTHENTICATED'],
      ['the bot itself reads the group', () => stack.client.get(`/api/v1/share-groups/${group.id}`, { headers: { authorization: bot.authorization() } }), 403, 'FORBIDDEN'],
      [
        'the bot itself draws',
        () => stack.client.post(`/api/v1/share-groups/${group.id}/draw`, { amountMb: 10 }, { headers: { authorization: bot.authorization() }, idempotencyKey: true }),
        403,
        'FORBIDDEN',
      ],
      [
        'the bot for an unbound contact draws',
        () =>
          stack.client.post(
            `/api/v1/share-groups/${group.id}/draw`,
            { amountMb: 10 },
            { headers: { authorization: bot.authorization(), 'x-acting-contact': 'wx-nobody' }, idempotencyKey: true },
          ),
        403,
        'CONTACT_NOT_BOUND',
      ],
      ['the owner guesses an id', () => get(owner, '/0123456789abcdefghjkmnpqrs'), 404, 'NOT_FOUND'],
      ['the owner draws from a guessed id', () => post(owner, '/0123456789abcdefghjkmnpqrs/draw', { amountMb: 10 }), 404, 'NOT_FOUND'],
      ['the owner asks for a sequential id', () => get(owner, '/1'), 404, 'NOT_FOUND'],
      ['an id that cannot be one', () => get(owner, '/..%2F..%2Fwallet'), 404, 'NOT_FOUND'],
    ];
    it.each(cases)('%s', async (_name, send, status, code) => {
      const before = await snapshot();
      const answer = await send();
      expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
      expect(await snapshot()).toBe(before);
    });
  });

  // Last: it moves the clock months ahead.
  it('offers only pool data that has not expired, and a close returns the expired rest to the owner', async () => {
    const owner = await person('expiring', '13810000020', 400);
    const group = await create(owner, 100);
    await post(owner, `/${group.id}/fund`, { amountMb: 400 });
    // Banked data lasts until the end of the third month after the deposit month (SPEC §3.1).
    clock.set(new Date('2026-09-01T00:00:00.000Z'));
    expect((await get(owner, `/${group.id}`)).body.poolMb).toBe(0);
    expect((await post(owner, `/${group.id}/draw`, { amountMb: 10 })).body.error).toMatchObject({ code: 'INSUFFICIENT_POOL', details: { poolMb: 0 } });
    expect((await post(owner, `/${group.id}/reclaim`, { amountMb: 10 })).body.error.code).toBe('INSUFFICIENT_POOL');
    const closed = await stack.client.delete(`/api/v1/share-groups/${group.id}`, { token: owner.token, idempotencyKey: true });
    expect(closed.status).toBe(200);
    const [pool] = await stack.server.deps.dataSource.query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:share_group:${group.id}`]);
    expect(Number(pool.balance_mb)).toBe(0);
    expect(await balance(owner)).toBe(0);
  });
});
