import { signIn, type Answer, type CallOptions } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { grantOperator, sponsorWithBudget } from '../../test-support/sponsors';
import { couponBatchRequest, issuedCodes } from '../../test-support/coupons';

/**
 * SPEC §3.10 for coupons: every endpoint × every role → allowed, or refused with the status
 * SPEC says (401 no token, 403 a role that may not, 404 where the object is none of the
 * caller's business). Owner and staff issue and download (coupons spend the budget as
 * activities do); operators read batches but never take codes; anyone signed in redeems.
 */
const ROLES = ['admin', 'finance', 'support', 'owner', 'staff', 'otherOwner', 'user', 'botUser', 'noToken', 'bot'] as const;
type Role = (typeof ROLES)[number];
type Expected = 'ok' | 401 | 403 | 404;

function row(expected: Partial<Record<Role, Expected>>, otherwise: Expected): Record<Role, Expected> {
  return Object.fromEntries(ROLES.map((role) => [role, expected[role] ?? (role === 'noToken' ? 401 : role === 'bot' ? 403 : otherwise)])) as Record<Role, Expected>;
}
const MEMBERS_READ = { admin: 'ok', finance: 'ok', support: 'ok', owner: 'ok', staff: 'ok', otherOwner: 404, user: 404, botUser: 403 } as const;
const MEMBERS_MANAGE = { admin: 403, finance: 403, support: 403, owner: 'ok', staff: 'ok', otherOwner: 404, user: 404, botUser: 403 } as const;
const GUESSED_ID = '0123456789abcdefghjkmnpqrs';

describe('access to coupons, by role', () => {
  let stack: TestStack;
  let sid = '';
  let otherSid = '';
  let batchId = '';
  let otherBatchId = '';
  let spareCodes: string[] = [];
  const phones: Record<Exclude<Role, 'noToken' | 'bot'>, string> = {
    admin: '13700000101',
    finance: '13700000102',
    support: '13700000103',
    owner: '13700000104',
    staff: '13700000105',
    otherOwner: '13700000106',
    user: '13700000107',
    botUser: '13700000108',
  };
  const auth: Partial<Record<Role, CallOptions['headers']>> = {};
  const BOT_CONTACT = 'wx-coupon-access-bot-user';
  const tokenOf = (role: Role) => auth[role]!.authorization!.slice('Bearer '.length);

  beforeAll(async () => {
    stack = await startTestStack();
    await grantOperator(stack, phones.admin, 'admin');
    await grantOperator(stack, phones.finance, 'finance');
    await grantOperator(stack, phones.support, 'support');
    for (const role of ['admin', 'finance', 'support', 'owner', 'staff', 'otherOwner', 'user'] as const) {
      auth[role] = { authorization: `Bearer ${(await signIn(stack.client, phones[role])).token}` };
    }
    const botHeaders = { authorization: `Bot ${stack.config.BOT_TOKEN}` };
    await stack.client.post('/api/v1/auth/sms-code', { phone: phones.botUser }, { headers: botHeaders });
    const code = /(\d{6})/.exec((await stack.client.get(`/api/v1/dev/outbox?to=${phones.botUser}`)).body.items[0].text)![1];
    await stack.client.post('/api/v1/bot/bindings', { contactId: BOT_CONTACT, phone: phones.botUser, code }, { headers: botHeaders, idempotencyKey: true });
    auth.botUser = { ...botHeaders, 'x-acting-contact': BOT_CONTACT };
    auth.bot = botHeaders;
    auth.noToken = {};

    sid = await sponsorWithBudget(stack.client, tokenOf('admin'), phones.owner, 100_000);
    otherSid = await sponsorWithBudget(stack.client, tokenOf('admin'), phones.otherOwner, 10_000);
    await stack.client.post(`/api/v1/sponsors/${sid}/members`, { phone: phones.staff, role: 'staff' }, { token: tokenOf('owner') });
    const issued = await issuedCodes(stack.client, tokenOf('owner'), sid, couponBatchRequest(new Date(), { amountMb: 1, count: 20 }));
    batchId = issued.batchId;
    spareCodes = issued.codes;
    otherBatchId = (await stack.client.post(`/api/v1/sponsors/${otherSid}/coupon-batches`, couponBatchRequest(new Date()), { token: tokenOf('otherOwner'), idempotencyKey: true }))
      .body.id;
  });
  afterAll(() => stack.close());

  const call = (role: Role, method: string, path: string, body?: unknown, moves = false): Promise<Answer> =>
    stack.client.call(method, `/api/v1${path}`, body, { headers: auth[role], idempotencyKey: moves ? true : undefined });
  /** A fresh batch of the sponsor's, for the download rows: each download uses one up. */
  const freshBatch = async () =>
    (await call('owner', 'POST', `/sponsors/${sid}/coupon-batches`, couponBatchRequest(new Date(), { amountMb: 1, count: 1 }), true)).body.id as string;

  const endpoints: Array<[string, Record<Role, Expected>, (role: Role) => Promise<Answer>]> = [
    [
      'POST /sponsors/:sid/coupon-batches',
      row(MEMBERS_MANAGE, 403),
      (role) => call(role, 'POST', `/sponsors/${sid}/coupon-batches`, couponBatchRequest(new Date(), { amountMb: 1, count: 1 }), true),
    ],
    ['GET /sponsors/:sid/coupon-batches', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}/coupon-batches`)],
    ['GET /sponsors/:sid/coupon-batches/:bid', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}/coupon-batches/${batchId}`)],
    ['GET …/coupon-batches/:bid/codes', row(MEMBERS_MANAGE, 403), async (role) => call(role, 'GET', `/sponsors/${sid}/coupon-batches/${await freshBatch()}/codes`)],
    ['POST /coupons/redeem', row({}, 'ok'), (role) => call(role, 'POST', '/coupons/redeem', { code: spareCodes.pop() }, true)],
  ];

  it.each(endpoints)('%s', async (_name, expected, send) => {
    const answers: Partial<Record<Role, Expected | number>> = {};
    for (const role of ROLES) {
      const answer = await send(role);
      answers[role] = answer.status < 300 ? 'ok' : answer.status;
      if (answer.status >= 300)
        expect(answer.body.error.code).toBe({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[answer.status as 401 | 403 | 404] ?? 'unexpected status');
    }
    expect(answers).toEqual(expected);
  });

  it('answers a guessed batch id, or another sponsor’s batch under one’s own sponsor, with 404, and leaves that batch’s codes alone', async () => {
    for (const path of [
      `/sponsors/${sid}/coupon-batches/${GUESSED_ID}`,
      `/sponsors/${sid}/coupon-batches/${GUESSED_ID}/codes`,
      `/sponsors/${sid}/coupon-batches/${otherBatchId}`,
      `/sponsors/${sid}/coupon-batches/${otherBatchId}/codes`,
      `/sponsors/${otherSid}/coupon-batches/${otherBatchId}/codes`,
      `/sponsors/${GUESSED_ID}/coupon-batches`,
      `/sponsors/${sid}/coupon-batches/${batchId}x/codes`,
    ]) {
      expect([path, (await call('owner', 'GET', path)).status]).toEqual([path, 404]);
    }
    expect((await call('admin', 'GET', `/sponsors/${sid}/coupon-batches/${GUESSED_ID}`)).status).toBe(404);
    // Its own owner still gets the codes, once.
    expect((await call('otherOwner', 'GET', `/sponsors/${otherSid}/coupon-batches/${otherBatchId}/codes`)).status).toBe(200);
  });
});
