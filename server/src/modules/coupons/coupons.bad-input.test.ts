import { COUPON_ALPHABET, couponCheckCharacter, formatCouponCode } from '@liuliang/shared';
import { signIn, type Answer } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { grantOperator, sponsorWithBudget } from '../../test-support/sponsors';
import { couponBatchRequest, issuedCodes } from '../../test-support/coupons';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every bad coupon request gets the right 4xx JSON error and changes nothing (the database is compared around each). */
describe('bad input to coupons', () => {
  let stack: TestStack;
  let token: string;
  let sid: string;
  let batchId: string;
  let code: string;
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    stack = await startTestStack();
    ({ token } = await signIn(stack.client, '13200000101'));
    await grantOperator(stack, '13200000101', 'admin');
    sid = await sponsorWithBudget(stack.client, token, '13200000101', 5000);
    ({
      batchId,
      codes: [code],
    } = await issuedCodes(stack.client, token, sid, couponBatchRequest(new Date(), { amountMb: 10, count: 2 })));
    const db = stack.server.deps.dataSource;
    snapshot = async () =>
      JSON.stringify([
        await db.query('SELECT code, balance_mb FROM accounts ORDER BY id'),
        await db.query('SELECT COUNT(*) AS n FROM transfers'),
        await db.query('SELECT * FROM coupon_batches ORDER BY id'),
        await db.query('SELECT id, batch_id, HEX(code_hash) AS h, HEX(code_cipher) AS c, redeemed_by, redeemed_at FROM coupons ORDER BY id'),
      ]);
  });
  afterAll(() => stack.close());

  const issue = (body: unknown, options: object = {}) => stack.client.post(`/api/v1/sponsors/${sid}/coupon-batches`, body, { token, idempotencyKey: true, ...options });
  const batch = (overrides: Record<string, unknown>) => issue(couponBatchRequest(new Date(), overrides));
  const redeem = (body: unknown, options: object = {}) => stack.client.post('/api/v1/coupons/redeem', body, { token, idempotencyKey: true, ...options });
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
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
  const withWrongCheck = () => {
    const body = code.slice(0, 16);
    const right = couponCheckCharacter(body);
    return body + [...COUPON_ALPHABET].find((c) => c !== right)!;
  };

  const cases: Array<[string, () => Promise<Answer>, number, string]> = [
    ...amounts.map(([name, amountMb]): [string, () => Promise<Answer>, number, string] => [`a batch with ${name} amountMb`, () => batch({ amountMb }), 400, 'VALIDATION_FAILED']),
    ...amounts.map(([name, count]): [string, () => Promise<Answer>, number, string] => [`a batch with ${name} count`, () => batch({ count }), 400, 'VALIDATION_FAILED']),
    ['a code worth more than 100 GB', () => batch({ amountMb: 102_401 }), 400, 'VALIDATION_FAILED'],
    ['a batch of 10,001 codes', () => batch({ count: 10_001 }), 400, 'VALIDATION_FAILED'],
    ['a batch without a title', () => batch({ title: undefined }), 400, 'VALIDATION_FAILED'],
    ['a batch titled with spaces only', () => batch({ title: '   ' }), 400, 'VALIDATION_FAILED'],
    ['a batch title of 61 characters', () => batch({ title: 'x'.repeat(61) }), 400, 'VALIDATION_FAILED'],
    ['a batch title with a right-to-left override', () => batch({ title: '卡\u202E密' }), 400, 'VALIDATION_FAILED'],
    ['a batch title with a zero-width space', () => batch({ title: '卡\u200B密' }), 400, 'VALIDATION_FAILED'],
    ['a validFrom that is not a time', () => batch({ validFrom: 'tomorrow' }), 400, 'VALIDATION_FAILED'],
    ['a validUntil without a zone', () => batch({ validUntil: '2030-01-01T00:00:00' }), 400, 'VALIDATION_FAILED'],
    ['a validUntil before validFrom', () => batch({ validFrom: at(2 * DAY_MS), validUntil: at(DAY_MS) }), 400, 'VALIDATION_FAILED'],
    ['a window of 367 days', () => batch({ validFrom: at(0), validUntil: at(367 * DAY_MS) }), 400, 'VALIDATION_FAILED'],
    ['a validUntil already passed', () => batch({ validFrom: at(-2 * DAY_MS), validUntil: at(-DAY_MS) }), 400, 'VALIDATION_FAILED'],
    ['a batch with an unknown field', () => batch({ sponsorId: 'x' }), 400, 'VALIDATION_FAILED'],
    ['a batch body that is an array', () => issue([couponBatchRequest(new Date())]), 400, 'VALIDATION_FAILED'],
    ['a batch body that is not JSON', () => issue(undefined, { rawBody: '{"title":', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_FAILED'],
    [
      'a batch body sent as a form',
      () => issue(undefined, { rawBody: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['a batch without an Idempotency-Key', () => issue(couponBatchRequest(new Date()), { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a batch beyond the budget', () => batch({ amountMb: 1000, count: 100 }), 422, 'INSUFFICIENT_BUDGET'],
    [
      'a batch of a sponsor that does not exist',
      () => stack.client.post('/api/v1/sponsors/0123456789abcdefghjkmnpqrs/coupon-batches', couponBatchRequest(new Date()), { token, idempotencyKey: true }),
      404,
      'NOT_FOUND',
    ],
    [
      'a batch of a sponsor id that is not an id',
      () => stack.client.post('/api/v1/sponsors/..%2F1/coupon-batches', couponBatchRequest(new Date()), { token, idempotencyKey: true }),
      404,
      'NOT_FOUND',
    ],
    ['the codes of a batch id that is not an id', () => stack.client.get(`/api/v1/sponsors/${sid}/coupon-batches/%27%20OR%201=1/codes`, { token }), 404, 'NOT_FOUND'],
    ['the codes of a batch already downloaded', () => stack.client.get(`/api/v1/sponsors/${sid}/coupon-batches/${batchId}/codes`, { token }), 410, 'GONE'],
    ['a batch with no token', () => issue(couponBatchRequest(new Date()), { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['a redemption without a code', () => redeem({}), 400, 'VALIDATION_FAILED'],
    ['a code as a number', () => redeem({ code: 1234567890123456 }), 400, 'VALIDATION_FAILED'],
    ['a code as null', () => redeem({ code: null }), 400, 'VALIDATION_FAILED'],
    ['an empty code', () => redeem({ code: '' }), 400, 'VALIDATION_FAILED'],
    ['a code one character short', () => redeem({ code: code.slice(1) }), 400, 'VALIDATION_FAILED'],
    ['a code one character long', () => redeem({ code: `${code}0` }), 400, 'VALIDATION_FAILED'],
    ['a code with a U', () => redeem({ code: `U${code.slice(1)}` }), 400, 'VALIDATION_FAILED'],
    ['a code with an SQL quote', () => redeem({ code: `${code.slice(0, 16)}'` }), 400, 'VALIDATION_FAILED'],
    ['a code of 65 characters', () => redeem({ code: '-'.repeat(48) + code }), 400, 'VALIDATION_FAILED'],
    ['a redemption with an unknown field', () => redeem({ code, userId: '1' }), 400, 'VALIDATION_FAILED'],
    ['a redemption without an Idempotency-Key', () => redeem({ code }, { idempotencyKey: undefined }), 400, 'IDEMPOTENCY_KEY_MISSING'],
    ['a redemption with no token', () => redeem({ code }, { token: undefined }), 401, 'UNAUTHENTICATED'],
    ['a redemption by the bot acting for nobody', () => redeem({ code }, { token: undefined, headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }), 403, 'FORBIDDEN'],
    // The one row that counts against the wrong-code limit: a mistyped check character names no coupon.
    ['a code with a wrong check character', () => redeem({ code: formatCouponCode(withWrongCheck()) }), 404, 'COUPON_NOT_FOUND'],
  ];

  it.each(cases)('%s → %i %s', async (_name, send, status, errorCode) => {
    const before = await snapshot();
    const answer = await send();
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code: errorCode });
    expect(typeof answer.body.error.message).toBe('string');
    expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.ts:\d+|QueryFailedError|node_modules/);
    expect(await snapshot()).toBe(before);
  });

  it('counted only the wrong code, not the malformed ones, against the wrong-code limit', async () => {
    for (let i = 0; i < 4; i++) expect((await redeem({ code: withWrongCheck() })).status).toBe(404);
    expect((await redeem({ code: withWrongCheck() })).status).toBe(429);
  });
});
