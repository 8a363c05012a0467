import jwt from 'jsonwebtoken';
import { signIn } from '../test-support/http-client';
import { startTestStack, type TestStack } from '../test-support/stack';
import { activityRequest, grantOperator, sponsorWithBudget } from '../test-support/sponsors';

/** Every bad request gets the right 4xx JSON error and changes nothing (checked after the table). */
describe('bad input', () => {
  let stack: TestStack;
  let token: string;
  let otherToken: string;
  let crowdfundId: string;
  let userId: string;
  let snapshot: () => Promise<string>;
  let groupId: string;
  let ownerId: string;
  let sid: string;
  let aid: string;
  let liveAid: string;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.sim.setPlan({ phone: '13200000001', totalMb: 10240, usedMb: 0 });
    ({ token, userId: ownerId } = await signIn(stack.client, '13200000001'));
    ({ token: otherToken } = await signIn(stack.client, '13200000002'));
    await stack.client.post('/api/v1/storage/deposits', { amountMb: 500 }, { token, idempotencyKey: true });
    userId = (await stack.client.get('/api/v1/me', { token })).body.id;
    crowdfundId = (await stack.client.post('/api/v1/crowdfunds', { title: '坏输入', goalMb: 100, deadline: new Date(Date.now() + 86_400_000).toISOString() }, { token, idempotencyKey: true })).body.id;
    groupId = (await stack.client.post('/api/v1/share-groups', { name: '家', monthlyQuotaMb: 50 }, { token, idempotencyKey: true })).body.id;
    await stack.client.post(`/api/v1/share-groups/${groupId}/fund`, { amountMb: 100 }, { token, idempotencyKey: true });
    await stack.client.post('/api/v1/share-groups', { name: '邻居家', monthlyQuotaMb: 10 }, { token: otherToken, idempotencyKey: true });
    // 13200000001 is an admin and owns a sponsor with one running check-in activity.
    await grantOperator(stack, '13200000001', 'admin');
    sid = await sponsorWithBudget(stack.client, token, '13200000001', 5000);
    aid = (await stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date()), { token })).body.id;
    liveAid = (await stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date()), { token })).body.id;
    await stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/publish`, undefined, { token, idempotencyKey: true });
    const db = stack.server.deps.dataSource;
    snapshot = async () =>
      JSON.stringify([
        await db.query('SELECT code, balance_mb FROM accounts ORDER BY id'),
        await db.query('SELECT COUNT(*) AS n FROM transfers'),
        await db.query('SELECT COUNT(*) AS n FROM gifts'),
        await db.query('SELECT COUNT(*) AS n FROM deposits'),
        await db.query('SELECT COUNT(*) AS n FROM red_packets'),
        await db.query('SELECT id, status, raised_mb FROM crowdfunds ORDER BY id'),
        await db.query('SELECT COUNT(*) AS n FROM crowdfund_pledges'),
        await db.query('SELECT COUNT(*) AS n FROM tips'),
        await db.query('SELECT id, status, name, monthly_quota_mb FROM share_groups ORDER BY id'),
        await db.query('SELECT id, group_id, phone, user_id FROM share_group_members ORDER BY id'),
        await db.query('SELECT COUNT(*) AS n FROM share_group_movements'),
        await db.query('SELECT * FROM operators ORDER BY phone'),
        await db.query('SELECT * FROM sponsors ORDER BY id'),
        await db.query('SELECT * FROM sponsor_members ORDER BY sponsor_id, phone'),
        await db.query('SELECT COUNT(*) AS n FROM sponsor_topups'),
        await db.query('SELECT * FROM activities ORDER BY id'),
        await db.query('SELECT COUNT(*) AS n FROM activity_rewards'),
        await db.query('SELECT * FROM broadcasts ORDER BY id'),
        await db.query('SELECT * FROM message_optouts ORDER BY phone'),
        await db.query('SELECT COUNT(*) AS n FROM outbox WHERE activity_id IS NOT NULL'),
        await db.query('SELECT COUNT(*) AS n FROM activity_rain_drops'),
        await stack.sim.listDeductions(),
        await db.query('SELECT id, nickname, avatar_id FROM users ORDER BY id'),
        await db.query('SELECT COUNT(*) AS n FROM user_avatars'),
        await db.query('SELECT COUNT(*) AS n FROM notice_reads'),
      ]);
  });
  afterAll(() => stack.close());

  /** 红包雨 fields: each row a rain activity that must be refused before anything is written. */
  function rainRows(): Array<[string, () => Promise<{ status: number; body: { error: { code: string } } }>, number, string]> {
    const at = new Date();
    const inWindow = new Date(at.getTime() + 60_000).toISOString();
    const rain = (overrides: Record<string, unknown>, request: Record<string, unknown> = {}) =>
      stack.client.post(
        `/api/v1/sponsors/${sid}/activities`,
        activityRequest(at, { type: 'red_packet_rain', budgetMb: 1000, rain: { times: [inWindow], count: 10, totalMb: 100, ...overrides }, ...request }),
        { token },
      );
    return [
      ['a rain activity without its rain', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(at, { type: 'red_packet_rain' }), { token }), 400, 'VALIDATION_FAILED'],
      ['rain on a check-in activity', () => rain({}, { type: 'signin' }), 400, 'VALIDATION_FAILED'],
      ['a rain with no times', () => rain({ times: [] }), 400, 'VALIDATION_FAILED'],
      ['a rain time before the window', () => rain({ times: [new Date(at.getTime() - 3_600_000).toISOString()] }), 400, 'VALIDATION_FAILED'],
      ['a rain time at the end of the window', () => rain({ times: [new Date(at.getTime() + 10 * 86_400_000).toISOString()] }), 400, 'VALIDATION_FAILED'],
      ['a rain time that is not a time', () => rain({ times: ['noon'] }), 400, 'VALIDATION_FAILED'],
      ['the same rain time twice', () => rain({ times: [inWindow, inWindow] }), 400, 'VALIDATION_FAILED'],
      ['49 rain times', () => rain({ times: Array.from({ length: 49 }, (_, i) => new Date(at.getTime() + (i + 1) * 60_000).toISOString()) }, { budgetMb: 5000 }), 400, 'VALIDATION_FAILED'],
      ['a rain packet of 0 shares', () => rain({ count: 0 }), 400, 'VALIDATION_FAILED'],
      ['a rain packet of 201 shares', () => rain({ count: 201, totalMb: 300 }), 400, 'VALIDATION_FAILED'],
      ['a rain packet with fewer MB than shares', () => rain({ count: 10, totalMb: 9 }), 400, 'VALIDATION_FAILED'],
      ['a fractional rain total', () => rain({ totalMb: 100.5 }), 400, 'VALIDATION_FAILED'],
      ['a rain packet above 100 GB', () => rain({ totalMb: 102_401 }, { budgetMb: 200_000 }), 400, 'VALIDATION_FAILED'],
      ['a rain costing more than the budget (2 times × 100 MB)', () => rain({ times: [inWindow, new Date(at.getTime() + 120_000).toISOString()] }, { budgetMb: 199 }), 400, 'VALIDATION_FAILED'],
      ['a rain into a room the bot does not know', () => rain({ roomIds: ['room-nobody-reported'] }), 400, 'VALIDATION_FAILED'],
      ['a rain naming a room twice', () => rain({ roomIds: ['r1', 'r1'] }), 400, 'VALIDATION_FAILED'],
      ['a rain with an unknown field', () => rain({ passphrase: '芝麻' }), 400, 'VALIDATION_FAILED'],
    ];
  }

  const amounts: Array<[string, unknown]> = [
    ['missing', undefined],
    ['negative', -10],
    ['zero', 0],
    ['fractional', 10.5],
    ['a string', '100'],
    ['beyond 2^53', 2 ** 53 + 2],
    ['null', null],
    ['an object', { mb: 10 }],
  ];

  // One of each class of character that makes a text lie about itself (shared/src/text.ts).
  const unsafeCharacters: Array<[string, string]> = [
    ['a C0 control (BEL)', '\u0007'],
    ['a newline inside', '\n'],
    ['DEL', '\u007F'],
    ['a C1 control (NEL)', '\u0085'],
    ['a left-to-right mark U+200E', '\u200E'],
    ['a right-to-left mark U+200F', '\u200F'],
    ['a left-to-right embedding U+202A', '\u202A'],
    ['a right-to-left embedding U+202B', '\u202B'],
    ['a pop directional formatting U+202C', '\u202C'],
    ['a left-to-right override U+202D', '\u202D'],
    ['a right-to-left override U+202E', '\u202E'],
    ['a left-to-right isolate U+2066', '\u2066'],
    ['a right-to-left isolate U+2067', '\u2067'],
    ['a first-strong isolate U+2068', '\u2068'],
    ['a pop directional isolate U+2069', '\u2069'],
    ['a zero-width space U+200B', '\u200B'],
    ['a zero-width non-joiner U+200C', '\u200C'],
    ['a zero-width joiner between letters U+200D', '\u200D'],
    ['a word joiner U+2060', '\u2060'],
    ['a zero-width no-break space U+FEFF', '\uFEFF'],
    ['a lone surrogate U+D800 (half an emoji)', '\uD800'],
  ];
  const withInside = (char: string) => `恭喜${char}发财`;
  const tipTo = (body: unknown, options: object = {}) => stack.client.post('/api/v1/tips', body, { token, idempotencyKey: true, ...options });
  const userTip = (extra: object) => tipTo({ target: { type: 'user', id: '1' }, amountMb: 5, ...extra });
  const inADay = () => new Date(Date.now() + 86_400_000).toISOString();
  const crowdfund = (extra: object, options: object = {}) => stack.client.post('/api/v1/crowdfunds', { title: '众筹', goalMb: 100, deadline: inADay(), ...extra }, { token, idempotencyKey: true, ...options });
  const pledge = (body: unknown, options: object = {}, id?: string) => stack.client.post(`/api/v1/crowdfunds/${id ?? crowdfundId}/pledges`, body, { token: otherToken, idempotencyKey: true, ...options });
  const cancel = (options: object, id?: string) => stack.client.post(`/api/v1/crowdfunds/${id ?? crowdfundId}/cancel`, undefined, { idempotencyKey: true, ...options });
  const botAlone = () => ({ headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } });
  const packet = (extra: object) => stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 1, ...extra }, { token, idempotencyKey: true });

  const shareGroup = (path: string, body: unknown, extra: object = {}) => stack.client.post(`/api/v1/share-groups${path}`, body, { token, idempotencyKey: true, ...extra });
  const shareGroupRows: Array<[string, () => Promise<any>, number, string]> = [
    ...amounts.flatMap(([name, amountMb]): Array<[string, () => Promise<any>, number, string]> => [
      [`a share group with ${name} monthlyQuotaMb`, () => shareGroup('', { name: '家', monthlyQuotaMb: amountMb }), 400, 'VALIDATION_FAILED'],
      [`a share-group fund of ${name} amountMb`, () => shareGroup(`/${groupId}/fund`, { amountMb }), 400, 'VALIDATION_FAILED'],
      [`a share-group reclaim of ${name} amountMb`, () => shareGroup(`/${groupId}/reclaim`, { amountMb }), 400, 'VALIDATION_FAILED'],
      [`a share-group draw of ${name} amountMb`, () => shareGroup(`/${groupId}/draw`, { amountMb }), 400, 'VALIDATION_FAILED'],
    ]),
    ...unsafeCharacters.map(([name, char]): [string, () => Promise<any>, number, string] => [`a share-group name with ${name}`, () => shareGroup('', { name: withInside(char), monthlyQuotaMb: 10 }), 400, 'VALIDATION_FAILED']),
    ['a share group without a name', () => shareGroup('', { monthlyQuotaMb: 10 }), 400, 'VALIDATION_FAILED'],
    ['a share group named with spaces only', () => shareGroup('', { name: '   ', monthlyQuotaMb: 10 }), 400, 'VALIDATION_FAILED'],
    ['a share group with a 21-character name', () => shareGroup('', { name: 'x'.repeat(21), monthlyQuotaMb: 10 }), 400, 'VALIDATION_FAILED'],
    ['a share group with an unknown field', () => shareGroup('', { name: '家', monthlyQuotaMb: 10, ownerId: '2' }), 400, 'VALIDATION_FAILED'],
    ['a share group without an Idempotency-Key', () => shareGroup('', { name: '家', monthlyQuotaMb: 10 }, { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a second share group for the same owner', () => shareGroup('', { name: '二', monthlyQuotaMb: 10 }), 409, 'ALREADY_IN_GROUP'],
    ['a share group with no token', () => shareGroup('', { name: '家', monthlyQuotaMb: 10 }, { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['a share group by the bot acting for nobody', () => shareGroup('', { name: '家', monthlyQuotaMb: 10 }, { token: undefined, headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    ['the share-group list with no token', () => stack.client.get('/api/v1/share-groups'), 401, 'UNAUTHENTICATED'],
    ['a guessed share-group id', () => stack.client.get('/api/v1/share-groups/0123456789abcdefghjkmnpqrs', { token }), 404, 'NOT_FOUND'],
    ['a share-group id with capitals and symbols', () => stack.client.get('/api/v1/share-groups/ABC$%25', { token }), 404, 'NOT_FOUND'],
    ["someone else's share group", () => stack.client.get(`/api/v1/share-groups/${groupId}`, { token: otherToken }), 404, 'NOT_FOUND'],
    ["a draw from someone else's share group", () => shareGroup(`/${groupId}/draw`, { amountMb: 10 }, { token: otherToken }), 404, 'NOT_FOUND'],
    ['a share-group member with a malformed phone', () => shareGroup(`/${groupId}/members`, { phone: '1234' }), 400, 'VALIDATION_FAILED'],
    ['a share-group member without a phone', () => shareGroup(`/${groupId}/members`, {}), 400, 'VALIDATION_FAILED'],
    ['a share-group member with an unknown field', () => shareGroup(`/${groupId}/members`, { phone: '13200000003', quotaMb: 1 }), 400, 'VALIDATION_FAILED'],
    ['a share-group member who owns another group', () => stack.client.post(`/api/v1/share-groups/${groupId}/members`, { phone: '13200000002' }, { token }), 409, 'ALREADY_IN_GROUP'],
    ['a share-group member added to a guessed group', () => shareGroup('/0123456789abcdefghjkmnpqrs/members', { phone: '13200000003' }), 404, 'NOT_FOUND'],
    ['a share-group member with no token', () => shareGroup(`/${groupId}/members`, { phone: '13200000003' }, { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['removing a share-group member nobody is', () => stack.client.delete(`/api/v1/share-groups/${groupId}/members/424242`, { token }), 404, 'NOT_FOUND'],
    ['removing a share-group member by a malformed id', () => stack.client.delete(`/api/v1/share-groups/${groupId}/members/%27%20OR%201%3D1`, { token }), 404, 'NOT_FOUND'],
    ['removing the share-group owner', () => stack.client.delete(`/api/v1/share-groups/${groupId}/members/${ownerId}`, { token }), 409, 'OWNER_CANNOT_LEAVE'],
    ['removing a share-group member with no token', () => stack.client.delete(`/api/v1/share-groups/${groupId}/members/${ownerId}`), 401, 'UNAUTHENTICATED'],
    ['a share-group fund beyond the wallet', () => shareGroup(`/${groupId}/fund`, { amountMb: 10_000 }), 422, 'INSUFFICIENT_BALANCE'],
    ['a share-group fund without an Idempotency-Key', () => shareGroup(`/${groupId}/fund`, { amountMb: 10 }, { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a share-group fund with an unknown field', () => shareGroup(`/${groupId}/fund`, { amountMb: 10, from: 'pool' }), 400, 'VALIDATION_FAILED'],
    ['a share-group reclaim beyond the pool', () => shareGroup(`/${groupId}/reclaim`, { amountMb: 101 }), 422, 'INSUFFICIENT_POOL'],
    ['a share-group reclaim with no token', () => shareGroup(`/${groupId}/reclaim`, { amountMb: 10 }, { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['a share-group draw beyond the quota', () => shareGroup(`/${groupId}/draw`, { amountMb: 51 }), 422, 'QUOTA_EXCEEDED'],
    ['a share-group draw without an Idempotency-Key', () => shareGroup(`/${groupId}/draw`, { amountMb: 10 }, { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a share-group draw as text/plain', () => shareGroup(`/${groupId}/draw`, undefined, { rawBody: '{"amountMb":10}', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a share-group draw by the bot acting for nobody', () => shareGroup(`/${groupId}/draw`, { amountMb: 10 }, { token: undefined, headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    ['closing a guessed share group', () => stack.client.delete('/api/v1/share-groups/0123456789abcdefghjkmnpqrs', { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['closing a share group without an Idempotency-Key', () => stack.client.delete(`/api/v1/share-groups/${groupId}`, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ["closing someone else's share group", () => stack.client.delete(`/api/v1/share-groups/${groupId}`, { token: otherToken, idempotencyKey: true }), 404, 'NOT_FOUND'],
  ];
  const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string]> = [
    ...shareGroupRows,
    ...unsafeCharacters.flatMap(([name, char]): Array<[string, () => Promise<any>, number, string]> => [
      [`a gift message with ${name}`, () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10, message: withInside(char) }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
      [`a red-packet greeting with ${name}`, () => packet({ greeting: withInside(char) }), 400, 'VALIDATION_FAILED'],
      [`a red-packet passphrase with ${name}`, () => packet({ passphrase: withInside(char) }), 400, 'VALIDATION_FAILED'],
      [`a grab passphrase with ${name}`, () => stack.client.post('/api/v1/red-packets/1/grab', { passphrase: withInside(char) }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ]),
    ['a red-packet passphrase of only spaces', () => packet({ passphrase: '   ' }), 400, 'VALIDATION_FAILED'],
    ['a red-packet passphrase of only full-width spaces', () => packet({ passphrase: '\u3000\u3000' }), 400, 'VALIDATION_FAILED'],
    ['a red-packet passphrase of 33 characters', () => packet({ passphrase: 'x'.repeat(33) }), 400, 'VALIDATION_FAILED'],
    ['a red-packet greeting of 61 characters', () => packet({ greeting: 'x'.repeat(61) }), 400, 'VALIDATION_FAILED'],
    ['a grab passphrase of only spaces', () => stack.client.post('/api/v1/red-packets/1/grab', { passphrase: '   ' }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ...amounts.map(([name, amountMb]): [string, () => Promise<any>, number, string] => [
      `a gift with ${name} amountMb`,
      () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb }, { token, idempotencyKey: true }),
      400,
      'VALIDATION_FAILED',
    ]),
    ...amounts.map(([name, amountMb]): [string, () => Promise<any>, number, string] => [
      `a deposit with ${name} amountMb`,
      () => stack.client.post('/api/v1/storage/deposits', { amountMb }, { token, idempotencyKey: true }),
      400,
      'VALIDATION_FAILED',
    ]),
    ['a gift to a malformed phone', () => stack.client.post('/api/v1/gifts', { toPhone: '12345', amountMb: 10 }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a gift to a phone starting 12', () => stack.client.post('/api/v1/gifts', { toPhone: '12000000000', amountMb: 10 }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a gift with a 61-character message', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10, message: 'x'.repeat(61) }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a gift with an unknown field', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10, fromPhone: '13200000002' }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a gift without an Idempotency-Key', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a gift with a 256-character Idempotency-Key', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { token, idempotencyKey: 'k'.repeat(256) }), 400, 'VALIDATION_FAILED'],
    ['a gift with no token', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { idempotencyKey: true }), 401, 'UNAUTHENTICATED'],
    ['a gift with a token signed by someone else', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { token: jwt.sign({}, 'not-our-secret-at-all', { subject: '1' }), idempotencyKey: true }), 401, 'UNAUTHENTICATED'],
    ['a gift with a garbage token', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { token: 'garbage', idempotencyKey: true }), 401, 'UNAUTHENTICATED'],
    ['a gift with a wrong bot token', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { headers: { authorization: 'Bot wrong-token', 'x-acting-contact': 'wx-anyone' }, idempotencyKey: true }), 401, 'UNAUTHENTICATED'],
    ['a gift as text/plain', () => stack.client.post('/api/v1/gifts', undefined, { token, idempotencyKey: true, rawBody: '{"toPhone":"13200000002","amountMb":10}', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a gift with malformed JSON', () => stack.client.post('/api/v1/gifts', undefined, { token, idempotencyKey: true, rawBody: '{"toPhone": "132', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_FAILED'],
    ['a gift with an oversized body', () => stack.client.post('/api/v1/gifts', undefined, { token, idempotencyKey: true, rawBody: JSON.stringify({ toPhone: '13200000002', amountMb: 10, message: 'x'.repeat(100_000) }), headers: { 'content-type': 'application/json' } }), 413, 'BODY_TOO_LARGE'],
    ['a gift whose body is a JSON array', () => stack.client.post('/api/v1/gifts', [1, 2], { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['someone else\'s deposit', () => stack.client.get('/api/v1/storage/deposits/1', { token: otherToken }), 404, 'NOT_FOUND'],
    ['someone else\'s gift', () => stack.client.get('/api/v1/gifts/1', { token: otherToken }), 404, 'NOT_FOUND'],
    ['a deposit id that is not a number', () => stack.client.get('/api/v1/storage/deposits/abc', { token }), 404, 'NOT_FOUND'],
    ['the wallet with no token', () => stack.client.get('/api/v1/wallet'), 401, 'UNAUTHENTICATED'],
    ['entries with limit 0', () => stack.client.get('/api/v1/wallet/entries?limit=0', { token }), 400, 'VALIDATION_FAILED'],
    ['entries with limit 1000', () => stack.client.get('/api/v1/wallet/entries?limit=1000', { token }), 400, 'VALIDATION_FAILED'],
    ['an sms code for a malformed phone', () => stack.client.post('/api/v1/auth/sms-code', { phone: '1380013800' }), 400, 'VALIDATION_FAILED'],
    ['a login with a five-digit code', () => stack.client.post('/api/v1/auth/login', { phone: '13200000001', code: '12345' }), 400, 'VALIDATION_FAILED'],
    ['a login with no code ever sent', () => stack.client.post('/api/v1/auth/login', { phone: '13200000009', code: '123456' }), 422, 'CODE_EXPIRED'],
    ['a deposit with no token', () => stack.client.post('/api/v1/storage/deposits', { amountMb: 10 }, { idempotencyKey: true }), 401, 'UNAUTHENTICATED'],
    ['a deposit without an Idempotency-Key', () => stack.client.post('/api/v1/storage/deposits', { amountMb: 10 }, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a deposit as text/plain', () => stack.client.post('/api/v1/storage/deposits', undefined, { token, idempotencyKey: true, rawBody: '{"amountMb":10}', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a deposit with an oversized body', () => stack.client.post('/api/v1/storage/deposits', undefined, { token, idempotencyKey: true, rawBody: JSON.stringify({ amountMb: 10, pad: 'x'.repeat(100_000) }), headers: { 'content-type': 'application/json' } }), 413, 'BODY_TOO_LARGE'],
    ['the storage view with no token', () => stack.client.get('/api/v1/storage'), 401, 'UNAUTHENTICATED'],
    ['/me with no token', () => stack.client.get('/api/v1/me'), 401, 'UNAUTHENTICATED'],
    ['/me with an expired token', () => stack.client.get('/api/v1/me', { token: jwt.sign({}, stack.config.JWT_SECRET, { subject: '1', expiresIn: -10 }) }), 401, 'UNAUTHENTICATED'],
    ['/me with a token of a user that does not exist', () => stack.client.get('/api/v1/me', { token: jwt.sign({}, stack.config.JWT_SECRET, { subject: '424242' }) }), 401, 'UNAUTHENTICATED'],
    ['an sms code with no body', () => stack.client.post('/api/v1/auth/sms-code', undefined), 400, 'VALIDATION_FAILED'],
    ['an sms code for a number as a JSON number', () => stack.client.post('/api/v1/auth/sms-code', { phone: 13800138000 }), 400, 'VALIDATION_FAILED'],
    ['a red packet with no Idempotency-Key', () => stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 1 }, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a grab with no token', () => stack.client.post('/api/v1/red-packets/1/grab', {}, { idempotencyKey: true }), 401, 'UNAUTHENTICATED'],
    ['the bot token acting for nobody on a user route', () => stack.client.get('/api/v1/wallet', { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    ['the bot token naming a user by X-Acting-User', () => stack.client.get('/api/v1/wallet', { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-user': '1' } }), 403, 'FORBIDDEN'],
    ['a gift by the bot naming a user by X-Acting-User', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-user': '1' }, idempotencyKey: true }), 403, 'FORBIDDEN'],
    ['a gift by the bot acting for an unbound contact', () => stack.client.post('/api/v1/gifts', { toPhone: '13200000002', amountMb: 10 }, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-contact': 'wx-nobody' }, idempotencyKey: true }), 403, 'CONTACT_NOT_BOUND'],
    ['the bot acting for a contact id of 129 characters', () => stack.client.get('/api/v1/wallet', { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-contact': 'x'.repeat(129) } }), 400, 'VALIDATION_FAILED'],
    ['a refresh with no body', () => stack.client.post('/api/v1/auth/refresh', undefined), 400, 'VALIDATION_FAILED'],
    ['a refresh token as a number', () => stack.client.post('/api/v1/auth/refresh', { refreshToken: 12345 }), 400, 'VALIDATION_FAILED'],
    ['a refresh token of 129 characters', () => stack.client.post('/api/v1/auth/refresh', { refreshToken: 'x'.repeat(129) }), 400, 'VALIDATION_FAILED'],
    ['a refresh with an unknown field', () => stack.client.post('/api/v1/auth/refresh', { refreshToken: 'abc', userId: '1' }), 400, 'VALIDATION_FAILED'],
    ['a refresh token nobody was given', () => stack.client.post('/api/v1/auth/refresh', { refreshToken: 'guessed-refresh-token-0000000000000000000' }), 401, 'UNAUTHENTICATED'],
    ['a refresh by an access token instead of a refresh token', () => stack.client.post('/api/v1/auth/refresh', { refreshToken: token.slice(0, 128) }), 401, 'UNAUTHENTICATED'],
    ['a logout with no token', () => stack.client.post('/api/v1/auth/logout', undefined), 401, 'UNAUTHENTICATED'],
    ['a logout with a token that names no session', () => stack.client.post('/api/v1/auth/logout', undefined, { token: jwt.sign({}, stack.config.JWT_SECRET, { subject: '1' }) }), 401, 'UNAUTHENTICATED'],
    ['a logout by the bot itself', () => stack.client.post('/api/v1/auth/logout', undefined, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    ['an unknown route', () => stack.client.get('/api/v1/nothing-here', { token }), 404, 'NOT_FOUND'],
    ['the limits with an unknown query parameter', () => stack.client.get('/api/v1/limits?gift=1'), 400, 'VALIDATION_FAILED'],
    ...unsafeCharacters.map(([name, char]): [string, () => Promise<any>, number, string] => [`a nickname with ${name}`, () => stack.client.call('PATCH', '/api/v1/me', { nickname: withInside(char) }, { token }), 400, 'VALIDATION_FAILED']),
    ['a blank nickname', () => stack.client.call('PATCH', '/api/v1/me', { nickname: ' \u3000 ' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a nickname of 21 characters', () => stack.client.call('PATCH', '/api/v1/me', { nickname: 'x'.repeat(21) }, { token }), 400, 'VALIDATION_FAILED'],
    ['a nickname as a number', () => stack.client.call('PATCH', '/api/v1/me', { nickname: 7 }, { token }), 400, 'VALIDATION_FAILED'],
    ['a profile change with an unknown field', () => stack.client.call('PATCH', '/api/v1/me', { nickname: '小红', phone: '13200000009' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a blank nickname by PUT', () => stack.client.put('/api/v1/me', { nickname: '  ' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a nickname with a newline by PUT', () => stack.client.put('/api/v1/me', { nickname: '小\n红' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a profile change by PUT with no token', () => stack.client.put('/api/v1/me', { nickname: '小红' }), 401, 'UNAUTHENTICATED'],
    ['a profile change with no token', () => stack.client.call('PATCH', '/api/v1/me', { nickname: '小红' }), 401, 'UNAUTHENTICATED'],
    ['a profile change by the bot itself', () => stack.client.call('PATCH', '/api/v1/me', { nickname: '小红' }, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    ['an avatar that is an SVG', () => stack.client.put('/api/v1/me/avatar', { image: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64') }, { token }), 400, 'VALIDATION_FAILED'],
    ['an avatar that is not base64', () => stack.client.put('/api/v1/me/avatar', { image: '%%%' }, { token }), 400, 'VALIDATION_FAILED'],
    ['an avatar with no token', () => stack.client.put('/api/v1/me/avatar', { image: 'iVBORw0KGgo=' }), 401, 'UNAUTHENTICATED'],
    ['a guessed avatar', () => stack.client.get('/api/v1/avatars/abcdefghjkmnpqrstvwxyz0123'), 404, 'NOT_FOUND'],
    ['notices marked read with no ids', () => stack.client.post('/api/v1/me/notices/read', { ids: [] }, { token }), 400, 'VALIDATION_FAILED'],
    ['notices marked read with a malformed id', () => stack.client.post('/api/v1/me/notices/read', { ids: ["'; DROP TABLE users; --"] }, { token }), 400, 'VALIDATION_FAILED'],
    ['a recipient look-up without a phone', () => stack.client.get('/api/v1/recipients', { token }), 400, 'VALIDATION_FAILED'],
    ['a recipient look-up of a malformed phone', () => stack.client.get('/api/v1/recipients?phone=1320000000', { token }), 400, 'VALIDATION_FAILED'],
    ['a recipient look-up with no token', () => stack.client.get('/api/v1/recipients?phone=13200000002'), 401, 'UNAUTHENTICATED'],
    ['a recipient look-up by the bot itself', () => stack.client.get('/api/v1/recipients?phone=13200000002', { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    ['red-packet records without a role', () => stack.client.get('/api/v1/me/red-packets', { token }), 400, 'VALIDATION_FAILED'],
    ['red-packet records of an unknown role', () => stack.client.get('/api/v1/me/red-packets?role=everyone', { token }), 400, 'VALIDATION_FAILED'],
    ['red-packet records with limit 51', () => stack.client.get('/api/v1/me/red-packets?role=sent&limit=51', { token }), 400, 'VALIDATION_FAILED'],
    ['red-packet records naming another user', () => stack.client.get('/api/v1/me/red-packets?role=sent&userId=2', { token }), 400, 'VALIDATION_FAILED'],
    ['red-packet records with no token', () => stack.client.get('/api/v1/me/red-packets?role=sent'), 401, 'UNAUTHENTICATED'],
    ['red-packet records by the bot itself', () => stack.client.get('/api/v1/me/red-packets?role=sent', { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    ['the cover of a guessed packet id', () => stack.client.get('/api/v1/red-packets/abcdefghjkmnpqrstvwxyz0123/cover'), 404, 'NOT_FOUND'],
    ['the cover of a malformed packet id', () => stack.client.get('/api/v1/red-packets/%27%3B--/cover'), 404, 'NOT_FOUND'],
    ['the limits asked to change by POST', () => stack.client.post('/api/v1/limits', { gift: { perDay: 1000 } }, { token }), 405, 'METHOD_NOT_ALLOWED'],
    // Tips
    ...amounts.map(([name, amountMb]): [string, () => Promise<any>, number, string] => [`a tip with ${name} amountMb`, () => userTip({ amountMb }), 400, 'VALIDATION_FAILED']),
    ...unsafeCharacters.map(([name, char]): [string, () => Promise<any>, number, string] => [`a tip message with ${name}`, () => userTip({ message: withInside(char) }), 400, 'VALIDATION_FAILED']),
    ['a tip message of 61 characters', () => userTip({ message: 'x'.repeat(61) }), 400, 'VALIDATION_FAILED'],
    ['a tip without a target', () => tipTo({ amountMb: 5 }), 400, 'VALIDATION_FAILED'],
    ['a tip to an unknown kind of target', () => userTip({ target: { type: 'gift', id: '1' } }), 400, 'VALIDATION_FAILED'],
    ['a tip to a target with an empty id', () => userTip({ target: { type: 'user', id: '' } }), 400, 'VALIDATION_FAILED'],
    ['a tip to a target with a 33-character id', () => userTip({ target: { type: 'crowdfund', id: 'a'.repeat(33) } }), 400, 'VALIDATION_FAILED'],
    ['a tip to a target with a numeric id', () => userTip({ target: { type: 'user', id: 2 } }), 400, 'VALIDATION_FAILED'],
    ['a tip with an unknown field', () => userTip({ fromUserId: '2' }), 400, 'VALIDATION_FAILED'],
    ['a tip without an Idempotency-Key', () => tipTo({ target: { type: 'user', id: '2' }, amountMb: 5 }, { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a tip with no token', () => tipTo({ target: { type: 'user', id: '2' }, amountMb: 5 }, { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['a tip by the bot acting for nobody', () => tipTo({ target: { type: 'user', id: '2' }, amountMb: 5 }, { token: undefined, ...botAlone() }), 403, 'FORBIDDEN'],
    ['a tip of 1 025 MB', () => tipTo({ target: { type: 'user', id: '2' }, amountMb: 1025 }), 422, 'LIMIT_EXCEEDED'],
    ['a tip to oneself', () => tipTo({ target: { type: 'user', id: userId }, amountMb: 5 }), 422, 'SELF_TIP'],
    ['a tip to one\'s own crowdfund', () => tipTo({ target: { type: 'crowdfund', id: crowdfundId }, amountMb: 5 }), 422, 'SELF_TIP'],
    ['a tip to a guessed crowdfund id', () => tipTo({ target: { type: 'crowdfund', id: '0000000000000000000000000a' }, amountMb: 5 }), 404, 'NOT_FOUND'],
    ['a tip to a guessed red packet id', () => tipTo({ target: { type: 'red_packet', id: '0000000000000000000000000a' }, amountMb: 5 }), 404, 'NOT_FOUND'],
    ['a tip to a user id that is not a number', () => tipTo({ target: { type: 'user', id: 'abc' }, amountMb: 5 }), 404, 'NOT_FOUND'],
    ['a tip to a user who does not exist', () => tipTo({ target: { type: 'user', id: '424242' }, amountMb: 5 }), 404, 'NOT_FOUND'],
    ['a leaderboard without a type', () => stack.client.get(`/api/v1/tips/leaderboard?id=${crowdfundId}`, { token }), 400, 'VALIDATION_FAILED'],
    ['a leaderboard of an unknown type', () => stack.client.get(`/api/v1/tips/leaderboard?type=gift&id=1`, { token }), 400, 'VALIDATION_FAILED'],
    ['a leaderboard without an id', () => stack.client.get('/api/v1/tips/leaderboard?type=crowdfund', { token }), 400, 'VALIDATION_FAILED'],
    ['a leaderboard with an unknown parameter', () => stack.client.get(`/api/v1/tips/leaderboard?type=crowdfund&id=${crowdfundId}&limit=5`, { token }), 400, 'VALIDATION_FAILED'],
    ['a leaderboard with no token', () => stack.client.get(`/api/v1/tips/leaderboard?type=crowdfund&id=${crowdfundId}`), 401, 'UNAUTHENTICATED'],
    ['a leaderboard of another user', () => stack.client.get(`/api/v1/tips/leaderboard?type=user&id=${userId}`, { token: otherToken }), 403, 'FORBIDDEN'],
    ['a leaderboard of a guessed crowdfund id', () => stack.client.get('/api/v1/tips/leaderboard?type=crowdfund&id=0000000000000000000000000a', { token }), 404, 'NOT_FOUND'],
    // Crowdfunds
    ...amounts.map(([name, goalMb]): [string, () => Promise<any>, number, string] => [`a crowdfund with ${name} goalMb`, () => crowdfund({ goalMb }), 400, 'VALIDATION_FAILED']),
    ...unsafeCharacters.map(([name, char]): [string, () => Promise<any>, number, string] => [`a crowdfund title with ${name}`, () => crowdfund({ title: withInside(char) }), 400, 'VALIDATION_FAILED']),
    ['a crowdfund without a title', () => crowdfund({ title: undefined }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund with a blank title', () => crowdfund({ title: '   ' }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund title of 41 characters', () => crowdfund({ title: 'x'.repeat(41) }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund without a deadline', () => crowdfund({ deadline: undefined }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund deadline in words', () => crowdfund({ deadline: 'tomorrow' }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund deadline as a number', () => crowdfund({ deadline: Date.now() + 86_400_000 }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund deadline without a time zone', () => crowdfund({ deadline: '2030-01-01T00:00:00' }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund deadline in the past', () => crowdfund({ deadline: '2020-01-01T00:00:00Z' }), 422, 'LIMIT_EXCEEDED'],
    ['a crowdfund deadline in 31 days', () => crowdfund({ deadline: new Date(Date.now() + 31 * 86_400_000).toISOString() }), 422, 'LIMIT_EXCEEDED'],
    ['a crowdfund goal of 99 MB', () => crowdfund({ goalMb: 99 }), 422, 'LIMIT_EXCEEDED'],
    ['a crowdfund goal of 102 401 MB', () => crowdfund({ goalMb: 102_401 }), 422, 'LIMIT_EXCEEDED'],
    ['a crowdfund with an unknown field', () => crowdfund({ creatorId: '2' }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund without an Idempotency-Key', () => crowdfund({}, { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a crowdfund with no token', () => crowdfund({}, { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['a crowdfund by the bot acting for nobody', () => crowdfund({}, { token: undefined, ...botAlone() }), 403, 'FORBIDDEN'],
    ['a crowdfund list of an unknown kind', () => stack.client.get('/api/v1/crowdfunds?mine=all', { token }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund list with limit 0', () => stack.client.get('/api/v1/crowdfunds?limit=0', { token }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund list with limit 51', () => stack.client.get('/api/v1/crowdfunds?limit=51', { token }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund list with a made-up cursor', () => stack.client.get('/api/v1/crowdfunds?cursor=abc', { token }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund list with an unknown parameter', () => stack.client.get('/api/v1/crowdfunds?creatorId=1', { token }), 400, 'VALIDATION_FAILED'],
    ['a crowdfund list with no token', () => stack.client.get('/api/v1/crowdfunds'), 401, 'UNAUTHENTICATED'],
    ['a guessed crowdfund id', () => stack.client.get('/api/v1/crowdfunds/0000000000000000000000000a', { token }), 404, 'NOT_FOUND'],
    ['a crowdfund id that cannot be one', () => stack.client.get('/api/v1/crowdfunds/..%2Fadmin', { token }), 404, 'NOT_FOUND'],
    ['a crowdfund with no token', () => stack.client.get(`/api/v1/crowdfunds/${crowdfundId}`), 401, 'UNAUTHENTICATED'],
    ...amounts.map(([name, amountMb]): [string, () => Promise<any>, number, string] => [`a pledge with ${name} amountMb`, () => pledge({ amountMb }), 400, 'VALIDATION_FAILED']),
    ['a pledge with an unknown field', () => pledge({ amountMb: 10, userId: '1' }), 400, 'VALIDATION_FAILED'],
    ['a pledge without an Idempotency-Key', () => pledge({ amountMb: 10 }, { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a pledge with no token', () => pledge({ amountMb: 10 }, { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['a pledge by the bot acting for nobody', () => pledge({ amountMb: 10 }, { token: undefined, ...botAlone() }), 403, 'FORBIDDEN'],
    ['a pledge to a guessed crowdfund id', () => pledge({ amountMb: 10 }, {}, '0000000000000000000000000a'), 404, 'NOT_FOUND'],
    ['a pledge larger than the wallet', () => pledge({ amountMb: 50 }), 422, 'INSUFFICIENT_BALANCE'],
    ["a cancel of someone else's crowdfund", () => cancel({ token: otherToken }), 403, 'FORBIDDEN'],
    ['a cancel of a guessed crowdfund id', () => cancel({ token }, '0000000000000000000000000a'), 404, 'NOT_FOUND'],
    ['a cancel with no token', () => cancel({}), 401, 'UNAUTHENTICATED'],
    ['a cancel without an Idempotency-Key', () => cancel({ token, idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a cancel by the bot acting for nobody', () => cancel(botAlone()), 403, 'FORBIDDEN'],
    ...amounts.map(([name, amountMb]): [string, () => Promise<any>, number, string] => [
      `a sponsor top-up with ${name} amountMb`,
      () => stack.client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb, reference: 'INV-BAD' }, { token, idempotencyKey: true }),
      400,
      'VALIDATION_FAILED',
    ]),
    ...amounts.map(([name, budgetMb]): [string, () => Promise<any>, number, string] => [
      `an activity with ${name} budgetMb`,
      () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { budgetMb }), { token }),
      400,
      'VALIDATION_FAILED',
    ]),
    ['an operator grant to a malformed phone', () => stack.client.post('/api/v1/ops/operators', { phone: '1234', role: 'admin' }, { token }), 400, 'VALIDATION_FAILED'],
    ['an operator grant of an unknown role', () => stack.client.post('/api/v1/ops/operators', { phone: '13200000005', role: 'root' }, { token }), 400, 'VALIDATION_FAILED'],
    ['an operator grant with an unknown field', () => stack.client.post('/api/v1/ops/operators', { phone: '13200000005', role: 'admin', expires: 1 }, { token }), 400, 'VALIDATION_FAILED'],
    ['a sponsor with a blank name', () => stack.client.post('/api/v1/ops/sponsors', { name: '  ', ownerPhone: '13200000005' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a sponsor name of 61 characters', () => stack.client.post('/api/v1/ops/sponsors', { name: 'x'.repeat(61), ownerPhone: '13200000005' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a sponsor name with a right-to-left override', () => stack.client.post('/api/v1/ops/sponsors', { name: withInside('\u202E'), ownerPhone: '13200000005' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a sponsor owned by a malformed phone', () => stack.client.post('/api/v1/ops/sponsors', { name: '好公司', ownerPhone: '12000000000' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a top-up without a reference', () => stack.client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb: 10 }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a top-up reference with a space', () => stack.client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb: 10, reference: 'INV 1' }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a top-up reference of 65 characters', () => stack.client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb: 10, reference: 'r'.repeat(65) }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a top-up without an Idempotency-Key', () => stack.client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb: 10, reference: 'INV-X' }, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a top-up of a sponsor that does not exist', () => stack.client.post('/api/v1/ops/sponsors/0123456789abcdefghjkmnpqrs/topups', { amountMb: 10, reference: 'INV-X' }, { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['a top-up of a sponsor id that is not an id', () => stack.client.post('/api/v1/ops/sponsors/..%2F1/topups', { amountMb: 10, reference: 'INV-X' }, { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['sponsor thresholds negative', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { warnMb: -1 }, { token }), 400, 'VALIDATION_FAILED'],
    ['sponsor thresholds with warnMb below alertMb', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { warnMb: 100, alertMb: 200 }, { token }), 400, 'VALIDATION_FAILED'],
    ['sponsor warnMb below the stored alertMb', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { alertMb: 100 }, { token }), 400, 'VALIDATION_FAILED'],
    ['a sponsor contact with neither phone nor e-mail', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { contacts: [{}] }, { token }), 400, 'VALIDATION_FAILED'],
    ['a sponsor contact with a malformed e-mail', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { contacts: [{ email: 'not-an-address' }] }, { token }), 400, 'VALIDATION_FAILED'],
    ['eleven sponsor contacts', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { contacts: Array.from({ length: 11 }, () => ({ phone: '13200000005' })) }, { token }), 400, 'VALIDATION_FAILED'],
    ['a sponsor member with an unknown role', () => stack.client.post(`/api/v1/sponsors/${sid}/members`, { phone: '13200000005', role: 'boss' }, { token }), 400, 'VALIDATION_FAILED'],
    ['removing a member by a malformed phone', () => stack.client.delete(`/api/v1/sponsors/${sid}/members/12345`, { token }), 404, 'NOT_FOUND'],
    ['removing the only owner', () => stack.client.delete(`/api/v1/sponsors/${sid}/members/13200000001`, { token }), 409, 'LAST_OWNER'],
    ['an activity of an unknown type', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { type: 'lottery' }), { token }), 400, 'VALIDATION_FAILED'],
    ['an activity ending before it starts', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { endsAt: '2020-01-01T00:00:00Z' }), { token }), 400, 'VALIDATION_FAILED'],
    ['an activity start that is not a time', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { startsAt: 'tomorrow' }), { token }), 400, 'VALIDATION_FAILED'],
    ['a random reward with min above max', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { reward: { mode: 'random', minMb: 9, maxMb: 3 } }), { token }), 400, 'VALIDATION_FAILED'],
    ['a fractional fixed reward', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { reward: { mode: 'fixed', amountMb: 1.5 } }), { token }), 400, 'VALIDATION_FAILED'],
    ['a reward above the per-user cap', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { perUserCapMb: 5 }), { token }), 400, 'VALIDATION_FAILED'],
    ['a template naming an unknown variable', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { templates: { rewarded: '{nickname} 得到 {phone}' } }), { token }), 400, 'UNKNOWN_TEMPLATE_VARIABLE'],
    ['an ended template naming an unknown variable', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { templates: { rewarded: '{amount}', ended: '{ nickname }' } }), { token }), 400, 'UNKNOWN_TEMPLATE_VARIABLE'],
    ['a template with a newline inside', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { templates: { rewarded: withInside('\n') } }), { token }), 400, 'VALIDATION_FAILED'],
    ['helpersNeeded on a check-in activity', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { helpersNeeded: 3 }), { token }), 400, 'VALIDATION_FAILED'],
    ...rainRows(),
    ['an unknown targeting carrier', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { targeting: { carriers: ['att'] } }), { token }), 400, 'VALIDATION_FAILED'],
    ['an activity with an unknown field', () => stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { status: 'published' }), { token }), 400, 'VALIDATION_FAILED'],
    ['publishing without an Idempotency-Key', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/publish`, undefined, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['publishing an activity that does not exist', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/0123456789abcdefghjkmnpqrs/publish`, undefined, { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['pausing a draft', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/pause`, undefined, { token }), 409, 'WRONG_STATE'],
    ['ending without an Idempotency-Key', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/end`, undefined, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a report in an unknown format', () => stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}/report?format=xml`, { token }), 400, 'VALIDATION_FAILED'],
    ['a check-in without an Idempotency-Key', () => stack.client.post(`/api/v1/activities/${aid}/checkin`, undefined, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a check-in at a draft', () => stack.client.post(`/api/v1/activities/${aid}/checkin`, undefined, { token: otherToken, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['a check-in at an id that is not an id', () => stack.client.post('/api/v1/activities/%27%20OR%201=1/checkin', undefined, { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['the activities with no token', () => stack.client.get('/api/v1/activities'), 401, 'UNAUTHENTICATED'],
    ['an invite code of a check-in activity', () => stack.client.post(`/api/v1/activities/${aid}/invite`, undefined, { token: otherToken }), 404, 'NOT_FOUND'],
    ['an invite code of an activity that does not exist', () => stack.client.post('/api/v1/activities/0123456789abcdefghjkmnpqrs/invite', undefined, { token }), 404, 'NOT_FOUND'],
    ['a share of an activity that does not exist', () => stack.client.post('/api/v1/activities/0123456789abcdefghjkmnpqrs/share', undefined, { token }), 404, 'NOT_FOUND'],
    ['a help without an Idempotency-Key', () => stack.client.post('/api/v1/activities/shares/0123456789abcdefghjkmnpqrs/help', undefined, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a help of a share that does not exist', () => stack.client.post('/api/v1/activities/shares/0123456789abcdefghjkmnpqrs/help', undefined, { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['a help of a share code that is not a code', () => stack.client.post('/api/v1/activities/shares/%3Cscript%3E/help', undefined, { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['a login with an invite code in capitals', () => stack.client.post('/api/v1/auth/login', { phone: '13200000009', code: '123456', invite: 'ABC' }), 400, 'VALIDATION_FAILED'],
    ['a login with an invite code of 33 characters', () => stack.client.post('/api/v1/auth/login', { phone: '13200000009', code: '123456', invite: 'a'.repeat(33) }), 400, 'VALIDATION_FAILED'],
    ['a login with an invite code as a number', () => stack.client.post('/api/v1/auth/login', { phone: '13200000009', code: '123456', invite: 12345 }), 400, 'VALIDATION_FAILED'],
    ['an activity change with no field', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, {}, { token }), 400, 'VALIDATION_FAILED'],
    ['an activity change with an unknown field', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { status: 'ended' }, { token }), 400, 'VALIDATION_FAILED'],
    ['an activity change naming an unknown variable', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { templates: { rewarded: '你好{phone}' } }, { token }), 400, 'UNKNOWN_TEMPLATE_VARIABLE'],
    ['an activity change with an unclosed brace', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { templates: { rewarded: '你好{nickname' } }, { token }), 400, 'UNBALANCED_TEMPLATE_BRACE'],
    ['an activity change with a stray closing brace', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { templates: { ended: '再见}' } }, { token }), 400, 'UNBALANCED_TEMPLATE_BRACE'],
    ['an activity change whose SMS passes 3 segments', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { templates: { rewarded: '长'.repeat(205) } }, { token }), 400, 'TEMPLATE_TOO_LONG'],
    ['an activity change ending before it starts', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { endsAt: '2020-01-01T00:00:00Z' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a reminder at 25:00', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { reminderAt: '25:00' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a reminder without a reminder template', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { reminderAt: '09:00' }, { token }), 400, 'VALIDATION_FAILED'],
    ['a reminder in quiet hours', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${aid}`, { reminderAt: '23:00', templates: { reminder: '该签到了' } }, { token }), 400, 'VALIDATION_FAILED'],
    ['a budget change of a published activity', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/${liveAid}`, { budgetMb: 10 }, { token }), 409, 'WRONG_STATE'],
    ['a change of an activity that does not exist', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}/activities/0123456789abcdefghjkmnpqrs`, { title: 'x' }, { token }), 404, 'NOT_FOUND'],
    ['a broadcast without an Idempotency-Key', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts`, { template: '你好', audience: 'participants' }, { token }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a broadcast to an unknown audience', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts`, { template: '你好', audience: 'everyone' }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a broadcast without a template', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts`, { audience: 'participants' }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a broadcast naming an unknown variable', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts`, { template: '{phone}', audience: 'participants' }, { token, idempotencyKey: true }), 400, 'UNKNOWN_TEMPLATE_VARIABLE'],
    ['a broadcast whose SMS passes 3 segments', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts`, { template: '长'.repeat(205), audience: 'participants' }, { token, idempotencyKey: true }), 400, 'TEMPLATE_TOO_LONG'],
    ['a broadcast sent in the past', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts`, { template: '你好', audience: 'participants', sendAt: '2020-01-01T00:00:00Z' }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a broadcast at a time that is not a time', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts`, { template: '你好', audience: 'participants', sendAt: 'soon' }, { token, idempotencyKey: true }), 400, 'VALIDATION_FAILED'],
    ['a broadcast about a draft', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/broadcasts`, { template: '你好', audience: 'participants' }, { token, idempotencyKey: true }), 409, 'WRONG_STATE'],
    ['a broadcast about an activity that does not exist', () => stack.client.post(`/api/v1/sponsors/${sid}/activities/0123456789abcdefghjkmnpqrs/broadcasts`, { template: '你好', audience: 'participants' }, { token, idempotencyKey: true }), 404, 'NOT_FOUND'],
    ['an audience size without an audience', () => stack.client.get(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts/audience`, { token }), 400, 'VALIDATION_FAILED'],
    ['an audience size of an unknown audience', () => stack.client.get(`/api/v1/sponsors/${sid}/activities/${liveAid}/broadcasts/audience?audience=all`, { token }), 400, 'VALIDATION_FAILED'],
    ['an audience size of an activity that does not exist', () => stack.client.get(`/api/v1/sponsors/${sid}/activities/0123456789abcdefghjkmnpqrs/broadcasts/audience?audience=participants`, { token }), 404, 'NOT_FOUND'],
    ['message settings that are not a boolean', () => stack.client.put('/api/v1/me/message-settings', { activityMessages: 'no' }, { token }), 400, 'VALIDATION_FAILED'],
    ['message settings with nothing in them', () => stack.client.put('/api/v1/me/message-settings', {}, { token }), 400, 'VALIDATION_FAILED'],
    ['message settings with no token', () => stack.client.put('/api/v1/me/message-settings', { activityMessages: false }), 401, 'UNAUTHENTICATED'],
    ['an unsigned inbound reply', () => stack.client.post('/api/v1/messages/inbound', { from: '13200000001', text: 'TD' }), 401, 'BAD_SIGNATURE'],
    ['an inbound reply with a forged signature', () => stack.client.post('/api/v1/messages/inbound', { from: '13200000001', text: 'TD' }, { headers: { 'x-timestamp': String(Date.now()), 'x-nonce': 'a'.repeat(32), 'x-signature': 'b'.repeat(64) } }), 401, 'BAD_SIGNATURE'],
    ['an inbound reply from a malformed phone', () => stack.client.post('/api/v1/messages/inbound', { from: '12345', text: 'TD' }), 400, 'VALIDATION_FAILED'],
    ['an unsigned delivery receipt', () => stack.client.post('/api/v1/messages/receipts', { messageId: 'msg-1', status: 'delivered' }), 401, 'BAD_SIGNATURE'],
    ['a delivery receipt with an unknown status', () => stack.client.post('/api/v1/messages/receipts', { messageId: 'msg-1', status: 'read' }), 400, 'VALIDATION_FAILED'],
  ];

  it.each(cases)('%s → %i %s', async (_name, send, status, code) => {
    const before = await snapshot();
    const answer = await send();
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
    expect(typeof answer.body.error.message).toBe('string');
    expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.ts:\d+|QueryFailedError|node_modules/);
    expect(await snapshot()).toBe(before);
  });
});
