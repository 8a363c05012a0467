import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatMb, readCouponCode } from '@liuliang/shared';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { signIn } from '../../server/src/test-support/http-client';
import { grantOperator, sponsorWithBudget } from '../../server/src/test-support/sponsors';
import { launchChromium, onScreen, openPhone, signInThroughUi, untilText, waitOnScreen, type Phone } from './phone';

const H5_DIR = path.resolve(__dirname, '../dist/h5');
const PHONES = { operator: '13912360001', sponsor: '13912360002', user: '13912360003' } as const;
const BUDGET_MB = 10_240;
const COUPON_MB = 100;
const COUNT = 5;

/**
 * The coupon journey in a real browser against the real stack: a sponsor issues a batch from
 * its budget and takes the codes out once (a CSV file on H5), after which the page says they
 * were taken; a user redeems one from 我的 → 兑换卡密 and sees it in the wallet.
 */
describe('coupons in a browser, against the real stack', () => {
  let stack: TestStack;
  let browser: Browser;
  const phones: Phone[] = [];
  let codes: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(H5_DIR, 'index.html'))) throw new Error(`The H5 build is missing (${H5_DIR}/index.html). Run \`npm run build\` at the repository root first.`);
    stack = await startTestStack({ H5_DIR });
    await grantOperator(stack, PHONES.operator, 'admin');
    const operator = await signIn(stack.client, PHONES.operator);
    await sponsorWithBudget(stack.client, operator.token, PHONES.sponsor, BUDGET_MB);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  afterEach(() => expect(phones.flatMap((phone) => phone.pageErrors)).toEqual([]));

  async function signedIn(name: keyof typeof PHONES): Promise<Page> {
    const phone = await openPhone(browser, name);
    phones.push(phone);
    await phone.page.goto(stack.url);
    await signInThroughUi(phone.page, stack.client, PHONES[name]);
    await waitOnScreen(phone.page, 'balance');
    return phone.page;
  }

  it('lets the sponsor issue a batch from its budget and take the codes out once, as a CSV file', async () => {
    const page = await signedIn('sponsor');
    await (await waitOnScreen(page, 'go-sponsor')).click();
    await untilText(page, 'sponsor-budget', formatMb(BUDGET_MB));
    await (await waitOnScreen(page, 'coupon-title-input')).fill('新春卡密');
    await onScreen(page, 'coupon-amount-input').fill(String(COUPON_MB));
    await onScreen(page, 'coupon-count-input').fill(String(COUNT));
    await onScreen(page, 'issue-coupons-button').click();
    await (await waitOnScreen(page, 'take-coupon-codes')).click();
    const download = page.waitForEvent('download');
    await page.getByText('取出', { exact: true }).click();
    const file = await download;
    const csv = readFileSync(await file.path(), 'utf8').replace(/^\uFEFF/, '');
    codes = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => readCouponCode(line.split(',')[0]))
      .flatMap((reading) => (reading.ok ? [reading.code] : []));
    expect(codes).toHaveLength(COUNT);
    await expect((await waitOnScreen(page, 'coupon-codes-panel')).innerText()).resolves.toContain(`已取出 ${COUNT} 张卡密`);
    await expect((await waitOnScreen(page, 'coupon-codes-taken')).innerText()).resolves.toContain('卡密已取出');
    expect(await onScreen(page, 'take-coupon-codes').count()).toBe(0);
    await untilText(page, 'sponsor-budget', formatMb(BUDGET_MB - COUPON_MB * COUNT));
  });

  it('lets a user redeem a code from 我的 and see it in the wallet; the sponsor sees it counted', async () => {
    const page = await signedIn('user');
    await onScreen(page, 'tab-me').click();
    await (await waitOnScreen(page, 'go-redeem')).click();
    await (await waitOnScreen(page, 'coupon-code-input')).fill(codes[0].toLowerCase());
    await onScreen(page, 'redeem-button').click();
    await expect((await waitOnScreen(page, 'redeem-result')).innerText()).resolves.toContain(`兑换成功！${formatMb(COUPON_MB)} 已存入钱包`);
    await onScreen(page, 'coupon-code-input').fill(codes[0]);
    await onScreen(page, 'redeem-button').click();
    await expect((await waitOnScreen(page, 'error-message')).innerText()).resolves.toContain('已经被兑换过了');
    const sponsor = phones[0].page;
    await sponsor.reload();
    await expect((await waitOnScreen(sponsor, 'coupon-batch-state')).innerText()).resolves.toContain(`已兑换 1 / ${COUNT} 张`);
  });
});
