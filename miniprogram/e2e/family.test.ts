import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatMb, type ShareGroup } from '@liuliang/shared';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { eventually, launchChromium, onScreen, openPhone, type Phone, sessionTokenOf, signInThroughUi, untilCount, untilText, waitOnScreen } from './phone';

const H5_DIR = path.resolve(__dirname, '../dist/h5');
const PHONES = { mom: '13912350001', kid: '13912350002' } as const;
const BANKED_MB = 1000;
const FUNDED_MB = 600;
const QUOTA_MB = 300;
const DRAWN_MB = 200;

/**
 * A family share group in a real browser against the real stack: mom creates the group, adds
 * her kid's number before the kid ever signed up, and funds the pool; the kid signs in (joining
 * the group at that first sign-in), draws within the quota, and both wallets add up.
 */
describe('a family share group in the browser', () => {
  let stack: TestStack;
  let browser: Browser;
  const phones: Phone[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(H5_DIR, 'index.html'))) throw new Error(`The H5 build is missing (${H5_DIR}/index.html). Run \`npm run build\` at the repository root first.`);
    stack = await startTestStack({ H5_DIR });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  afterEach(() => expect(phones.flatMap((phone) => phone.pageErrors)).toEqual([]));

  async function openSignedIn(name: keyof typeof PHONES): Promise<Page> {
    const phone = await openPhone(browser, name);
    phones.push(phone);
    await phone.page.goto(stack.url);
    await signInThroughUi(phone.page, stack.client, PHONES[name]);
    await waitOnScreen(phone.page, 'balance');
    return phone.page;
  }
  const groupSeenBy = async (page: Page): Promise<ShareGroup> => (await stack.client.get('/api/v1/share-groups', { token: await sessionTokenOf(page) })).body.items[0];
  const balanceOf = async (page: Page): Promise<number> => (await stack.client.get('/api/v1/wallet', { token: await sessionTokenOf(page) })).body.balanceMb;

  let mom: Page;

  it('lets mom create a group, add her kid by phone and fund the pool', async () => {
    await stack.sim.setPlan({ phone: PHONES.mom, totalMb: 2048, usedMb: 0 });
    mom = await openSignedIn('mom');
    // Banking is the storage page's journey (red-packet.test.ts); here mom banks through the API.
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: BANKED_MB }, { token: await sessionTokenOf(mom), idempotencyKey: true })).body.status).toBe(
      'completed',
    );

    await onScreen(mom, 'go-family').click();
    await (await waitOnScreen(mom, 'family-name-input')).fill('我们家');
    await onScreen(mom, 'family-quota-input').fill(String(QUOTA_MB));
    await onScreen(mom, 'family-create-button').click();
    await untilText(mom, 'family-pool', formatMb(0));

    await onScreen(mom, 'family-phone-input').fill(PHONES.kid);
    await onScreen(mom, 'family-add-button').click();
    await untilCount(mom, 'family-member', 2);
    expect(await onScreen(mom, 'family-member').nth(1).innerText()).toContain('139****0002 还没注册，登录后自动加入');

    await onScreen(mom, 'family-fund-input').fill(String(FUNDED_MB));
    await onScreen(mom, 'family-fund-button').click();
    await untilText(mom, 'family-pool', formatMb(FUNDED_MB));
    expect(await balanceOf(mom)).toBe(BANKED_MB - FUNDED_MB);
  });

  it('lets the kid, joined at first sign-in, draw within the quota into their wallet', async () => {
    const kid = await openSignedIn('kid');
    await onScreen(kid, 'go-family').click();
    await untilText(kid, 'family-pool', formatMb(FUNDED_MB));
    await untilText(kid, 'family-quota', `每人每月可领 ${formatMb(QUOTA_MB)}，你本月还能领 ${formatMb(QUOTA_MB)}`);
    await untilCount(kid, 'family-fund-button', 0);

    await onScreen(kid, 'family-draw-input').fill(String(DRAWN_MB));
    await onScreen(kid, 'family-draw-button').click();
    await untilText(kid, 'family-pool', formatMb(FUNDED_MB - DRAWN_MB));
    await untilText(kid, 'family-quota', `每人每月可领 ${formatMb(QUOTA_MB)}，你本月还能领 ${formatMb(QUOTA_MB - DRAWN_MB)}`);
    // More than is left of the quota is refused on the page, before any request.
    await onScreen(kid, 'family-draw-input').fill(String(QUOTA_MB - DRAWN_MB + 1));
    await onScreen(kid, 'family-draw-button').click();
    await untilText(kid, 'error-message', `领取最多 ${formatMb(QUOTA_MB - DRAWN_MB)}`);

    await kid.goBack();
    await untilText(kid, 'balance', formatMb(DRAWN_MB));
    const group = await eventually(
      'the group as mom sees it',
      () => groupSeenBy(mom),
      (g) => g.poolMb === FUNDED_MB - DRAWN_MB,
    );
    expect(group.members.map((m) => [m.status, m.drawnThisMonthMb])).toEqual([
      ['joined', 0],
      ['joined', DRAWN_MB],
    ]);
    expect((await balanceOf(mom)) + (await balanceOf(kid)) + group.poolMb).toBe(BANKED_MB);
  });
});
