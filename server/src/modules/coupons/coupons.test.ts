import { createHash } from 'node:crypto';
import { formatCouponCode, readCouponCode } from '@liuliang/shared';
import { manualClock } from '../../platform/clock';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { grantOperator, sponsorWithBudget } from '../../test-support/sponsors';
import { codesOfCsv, couponBatchRequest, issuedCodes } from '../../test-support/coupons';
import { auditLedger } from '../ledger/audit';
import { LEDGER_REGISTRY } from '../../ledger-registrations';
import { decryptCode, unwrapDataKey } from './sealing';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('coupons', () => {
  let stack: TestStack;
  const clock = manualClock(new Date('2026-05-10T02:00:00Z'));
  const phones = { admin: '13900000101', owner: '13900000102', user: '13900000103', friend: '13900000104' };
  const tokens: Record<keyof typeof phones, string> = { admin: '', owner: '', user: '', friend: '' };
  let sid = '';

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
    await grantOperator(stack, phones.admin, 'admin');
    for (const [name, phone] of Object.entries(phones)) tokens[name as keyof typeof phones] = (await signIn(stack.client, phone)).token;
    sid = await sponsorWithBudget(stack.client, tokens.admin, phones.owner, 10_000);
  });
  afterAll(() => stack.close());

  const db = () => stack.server.deps.dataSource;
  const get = (path: string, token: string) => stack.client.get(`/api/v1${path}`, { token });
  const post = (path: string, body: unknown, token: string, idempotencyKey: string | true = true) => stack.client.post(`/api/v1${path}`, body, { token, idempotencyKey });
  const budgetMb = async () => (await get(`/sponsors/${sid}`, tokens.owner)).body.budgetMb as number;
  const walletMb = async (token: string) => (await get('/wallet', token)).body.balanceMb as number;
  const escrowMb = async (batchId: string) => Number((await db().query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:coupon_batch:${batchId}`]))[0]?.balance_mb ?? 0);
  const redeem = (code: string, token: string, key: string | true = true) => post('/coupons/redeem', { code }, token, key);

  it('issues a batch from the budget into its escrow in one transfer, and refuses one the budget cannot fund', async () => {
    const before = await budgetMb();
    const created = await post(`/sponsors/${sid}/coupon-batches`, couponBatchRequest(clock.now(), { amountMb: 200, count: 10 }), tokens.owner, 'issue-1');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sponsorId: sid, title: '新春卡密', amountMb: 200, count: 10, totalMb: 2000, status: 'active', redeemedCount: 0, codesDownloaded: false });
    expect(created.body.id).toMatch(/^[0-9a-z]{26}$/);
    // A double tap is the same batch, not a second one.
    expect((await post(`/sponsors/${sid}/coupon-batches`, couponBatchRequest(clock.now(), { amountMb: 200, count: 10 }), tokens.owner, 'issue-1')).body).toEqual(created.body);
    expect(await budgetMb()).toBe(before - 2000);
    expect(await escrowMb(created.body.id)).toBe(2000);
    const funds = await db().query(`SELECT amount_mb FROM transfers WHERE kind = 'coupon_fund' AND ref_id = ?`, [created.body.id]);
    expect(funds.map((f: { amount_mb: string }) => Number(f.amount_mb))).toEqual([2000]);

    const tooMuch = await post(`/sponsors/${sid}/coupon-batches`, couponBatchRequest(clock.now(), { amountMb: 1000, count: 100 }), tokens.owner);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'INSUFFICIENT_BUDGET', details: { availableMb: before - 2000, neededMb: 100_000 } });
    // The budget's lots expire 12 months after the top-up: a batch valid past then cannot be funded by them.
    const outlived = await post(
      `/sponsors/${sid}/coupon-batches`,
      couponBatchRequest(clock.now(), {
        amountMb: 1,
        count: 1,
        validFrom: new Date(clock.now().getTime() + 300 * DAY_MS).toISOString(),
        validUntil: new Date(clock.now().getTime() + 400 * DAY_MS).toISOString(),
      }),
      tokens.owner,
    );
    expect(outlived.body.error.code).toBe('INSUFFICIENT_BUDGET');
    expect(await budgetMb()).toBe(before - 2000);
    expect(await db().query('SELECT COUNT(*) AS n FROM coupon_batches')).toEqual([{ n: '1' }]);
  });

  it('keeps no code, and nothing that opens to one without the KEK, in the database; the KEK alone opens them until the one download', async () => {
    const created = await post(`/sponsors/${sid}/coupon-batches`, couponBatchRequest(clock.now(), { count: 20 }), tokens.owner);
    const batchId: string = created.body.id;
    const stored = JSON.stringify([
      await db().query('SELECT * FROM coupon_batches WHERE id = ?', [batchId]),
      await db().query('SELECT * FROM coupons WHERE batch_id = ?', [batchId]),
    ]);
    const rows: Array<{ code_hash: Buffer; code_cipher: Buffer }> = await db().query('SELECT code_hash, code_cipher FROM coupons WHERE batch_id = ? ORDER BY id', [batchId]);
    const [batch] = await db().query('SELECT wrapped_key FROM coupon_batches WHERE id = ?', [batchId]);
    // Every byte column in every form a reader might try: raw text, hex, base64.
    const columnTexts = [
      stored,
      ...[batch.wrapped_key, ...rows.flatMap((r) => [r.code_hash, r.code_cipher])].flatMap((b: Buffer) => [b.toString('latin1'), b.toString('hex'), b.toString('base64')]),
    ]
      .join('\n')
      .toUpperCase();

    const download = await get(`/sponsors/${sid}/coupon-batches/${batchId}/codes`, tokens.owner);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(download.headers.get('cache-control')).toBe('no-store');
    const codes = codesOfCsv(download.body);
    expect(codes).toHaveLength(20);
    expect(new Set(codes).size).toBe(20);
    for (const code of codes) {
      expect(columnTexts).not.toContain(code);
      expect(columnTexts).not.toContain(formatCouponCode(code));
      expect(columnTexts).not.toContain(Buffer.from(code).toString('hex').toUpperCase());
      // Not an unkeyed hash of the code either: the look-up hash needs COUPON_HASH_KEY.
      expect(rows.map((r) => r.code_hash.toString('hex'))).not.toContain(createHash('sha256').update(code).digest('hex'));
    }
    // Without the KEK, neither the wrapped key nor anything else in the row opens a code.
    for (const candidate of [batch.wrapped_key.subarray(0, 32), batch.wrapped_key.subarray(batch.wrapped_key.length - 32), createHash('sha256').update(batchId).digest()]) {
      expect(() => decryptCode(candidate, rows[0].code_cipher, rows[0].code_hash)).toThrow();
    }
    expect(() => unwrapDataKey('not-the-kek-of-this-service-at-all', batch.wrapped_key, batchId)).toThrow();
    // With the KEK (and only then) the stored envelope opens to the codes the CSV showed: the columns are really the codes, sealed.
    const dataKey = unwrapDataKey(stack.config.COUPON_KEK, batch.wrapped_key, batchId);
    expect(rows.map((r) => decryptCode(dataKey, r.code_cipher, r.code_hash))).toEqual(codes);
    // After the download the data key is gone: not even the KEK opens them now.
    expect(await db().query('SELECT wrapped_key, codes_downloaded_at IS NOT NULL AS downloaded FROM coupon_batches WHERE id = ?', [batchId])).toEqual([
      { wrapped_key: null, downloaded: 1 },
    ]);
  });

  it('shows the codes once: a second download is 410 GONE, and the batch says it was downloaded', async () => {
    const created = await post(`/sponsors/${sid}/coupon-batches`, couponBatchRequest(clock.now(), { count: 3 }), tokens.owner);
    const path = `/sponsors/${sid}/coupon-batches/${created.body.id}/codes`;
    const downloads = await Promise.all([get(path, tokens.owner), get(path, tokens.owner), get(path, tokens.owner)]);
    expect(downloads.map((d) => d.status).sort()).toEqual([200, 410, 410]);
    expect(downloads.find((d) => d.status === 410)!.body.error.code).toBe('GONE');
    expect((await get(path, tokens.owner)).status).toBe(410);
    const listed = (await get(`/sponsors/${sid}/coupon-batches`, tokens.owner)).body.items.find((b: { id: string }) => b.id === created.body.id);
    expect(listed).toMatchObject({ codesDownloaded: true, codesDownloadedAt: clock.now().toISOString() });
  });

  it('redeems a code into the wallet once, however it is typed, and counts it on the batch', async () => {
    const { batchId, codes } = await issuedCodes(stack.client, tokens.owner, sid, couponBatchRequest(clock.now(), { title: '会员福利', amountMb: 150, count: 3 }));
    const before = await walletMb(tokens.user);
    const typed = formatCouponCode(codes[0]).toLowerCase().replace(/-/g, ' - ');
    expect(readCouponCode(typed)).toEqual({ ok: true, code: codes[0] });
    const redeemed = await redeem(typed, tokens.user, 'redeem-1');
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toEqual({ amountMb: 150, title: '会员福利', sponsor: `赞助商${phones.owner.slice(-4)}` });
    expect(await walletMb(tokens.user)).toBe(before + 150);
    // The same request again is the first answer, not a second credit.
    const replay = await redeem(typed, tokens.user, 'redeem-1');
    expect(replay.body).toEqual(redeemed.body);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    // The code again, by anyone, is spent.
    const again = await redeem(codes[0], tokens.friend);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'ALREADY_REDEEMED', details: { redeemedByYou: false } });
    expect((await redeem(codes[0], tokens.user)).body.error).toMatchObject({ code: 'ALREADY_REDEEMED', details: { redeemedByYou: true } });
    expect(await walletMb(tokens.user)).toBe(before + 150);
    // A bearer token: whoever holds the next code redeems it.
    expect((await redeem(codes[1], tokens.friend)).status).toBe(200);
    const listed = (await get(`/sponsors/${sid}/coupon-batches`, tokens.owner)).body.items.find((b: { id: string }) => b.id === batchId);
    expect(listed).toMatchObject({ redeemedCount: 2, redeemedMb: 300 });
    expect(await escrowMb(batchId)).toBe(150);
    const history = (await get('/wallet/entries', tokens.user)).body.items;
    expect(history[0]).toMatchObject({ kind: 'coupon_redeem', direction: 'in', amountMb: 150, memo: '会员福利', counterparty: { type: 'account', account: 'coupon_batch' } });
  });

  it('refuses a code before validFrom (NOT_YET_VALID) and after validUntil (EXPIRED)', async () => {
    const now = clock.now().getTime();
    const later = await issuedCodes(
      stack.client,
      tokens.owner,
      sid,
      couponBatchRequest(clock.now(), { count: 1, validFrom: new Date(now + DAY_MS).toISOString(), validUntil: new Date(now + 2 * DAY_MS).toISOString() }),
    );
    const early = await redeem(later.codes[0], tokens.user);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'NOT_YET_VALID', details: { validFrom: new Date(now + DAY_MS).toISOString() } });
    clock.advanceMs(2 * DAY_MS);
    try {
      const late = await redeem(later.codes[0], tokens.user);
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('EXPIRED');
    } finally {
      clock.set(new Date(now));
    }
  });

  it('answers 404 to wrong codes and 429 with Retry-After from the sixth in ten minutes, per user; a right code is not counted', async () => {
    const { codes } = await issuedCodes(stack.client, tokens.owner, sid, couponBatchRequest(clock.now(), { amountMb: 10, count: 2 }));
    const guesser = await signIn(stack.client, '13900000105');
    const wrong = (i: number) => formatCouponCode(`${'0123456789ABCDEF'.slice(0, 15)}${'GHJKMNPQRS'[i]}X`);
    for (let i = 0; i < 4; i++) {
      const answer = await redeem(wrong(i), guesser.token);
      expect([answer.status, answer.body.error.code]).toEqual([404, 'COUPON_NOT_FOUND']);
    }
    expect((await redeem(codes[0], guesser.token)).status).toBe(200);
    expect((await redeem(wrong(5), guesser.token)).status).toBe(404);
    const limited = await redeem(codes[1], guesser.token);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'coupon-wrong-codes', limit: 5, windowSeconds: 600 } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not held back by this one's guesses, and the refused code is still good.
    expect((await redeem(codes[1], tokens.friend)).status).toBe(200);
  });

  it('gives what was not redeemed back to the budget once after validUntil, however often the job runs, and leaves the audit clean', async () => {
    const now = clock.now().getTime();
    const { batchId, codes } = await issuedCodes(
      stack.client,
      tokens.owner,
      sid,
      couponBatchRequest(clock.now(), { amountMb: 70, count: 4, validUntil: new Date(now + DAY_MS).toISOString() }),
    );
    expect((await redeem(codes[0], tokens.user)).status).toBe(200);
    const before = await budgetMb();
    const coupons = stack.server.services.coupons;
    expect(await coupons.settleExpiredBatches()).toBe(0);
    clock.advanceMs(DAY_MS);
    try {
      const runs = await Promise.all([coupons.settleExpiredBatches(), coupons.settleExpiredBatches(), coupons.settleExpiredBatches()]);
      // Three runs at once settle the one batch due once between them.
      expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await coupons.settleExpiredBatches()).toBe(0);
      expect(await budgetMb()).toBe(before + 3 * 70);
      expect(await escrowMb(batchId)).toBe(0);
      const returns = await db().query(`SELECT amount_mb FROM transfers WHERE kind = 'coupon_return' AND ref_id = ?`, [batchId]);
      expect(returns).toEqual([{ amount_mb: '210' }]);
      expect((await get(`/sponsors/${sid}/coupon-batches/${batchId}`, tokens.owner)).body).toMatchObject({ status: 'settled', redeemedCount: 1, returnedMb: 210 });
      expect((await redeem(codes[1], tokens.user)).body.error.code).toBe('EXPIRED');
      expect(await auditLedger(db().manager, LEDGER_REGISTRY)).toEqual([]);
    } finally {
      clock.set(new Date(now));
    }
  });
});
