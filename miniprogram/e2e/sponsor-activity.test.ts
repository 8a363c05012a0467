import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatMb } from '@liuliang/shared';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { grantOperator } from '../../server/src/test-support/sponsors';
import { launchChromium, onScreen, openPhone, signInThroughUi, untilCount, untilText, waitOnScreen, type Phone } from './phone';

const H5_DIR = path.resolve(__dirname, '../dist/h5');
const PHONES = { operator: '13912350001', sponsor: '13912350002', user: '13912350003' } as const;
type Person = keyof typeof PHONES;
const TOPUP_MB = 10_240;
const BUDGET_MB = 1000;
const REWARD_MB = 10;
/** Between the budget before and after the publish: the publish crosses it. */
const WARN_MB = 9500;
const WARNING_EMAIL = 'ops@xinghe.example';

/**
 * The sponsor journey in a real browser against the real stack, each person in a browser context
 * of their own: an operator creates a sponsor and tops it up; the sponsor creates and publishes
 * a check-in activity; a user checks in and sees the reward in the wallet; the sponsor's report
 * shows it. The `it`s are steps of the one journey, in order.
 */
describe('sponsors and activities in a browser, against the real stack', () => {
  let stack: TestStack;
  let browser: Browser;
  const phones = new Map<Person, Phone>();
  let sponsorId = '';

  beforeAll(async () => {
    if (!existsSync(path.join(H5_DIR, 'index.html'))) throw new Error(`The H5 build is missing (${H5_DIR}/index.html). Run \`npm run build\` at the repository root first.`);
    stack = await startTestStack({ H5_DIR });
    // The first operator is made as `npm run ops -- grant` makes one.
    await grantOperator(stack, PHONES.operator, 'admin');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  afterEach(() => expect([...phones.values()].flatMap((phone) => phone.pageErrors)).toEqual([]));

  async function signedIn(person: Person): Promise<Page> {
    const phone = await openPhone(browser, person);
    phones.set(person, phone);
    await phone.page.goto(stack.url);
    await signInThroughUi(phone.page, stack.client, PHONES[person]);
    await waitOnScreen(phone.page, 'balance');
    return phone.page;
  }

  it('lets an operator create a sponsor and record its paid top-up', async () => {
    const page = await signedIn('operator');
    await (await waitOnScreen(page, 'go-ops')).click();
    await (await waitOnScreen(page, 'sponsor-name-input')).fill('星河饮料');
    expect(await onScreen(page, 'navbar').innerText()).toContain('运营');
    await onScreen(page, 'sponsor-owner-input').fill(PHONES.sponsor);
    await onScreen(page, 'create-sponsor-button').click();
    const created = await (await waitOnScreen(page, 'sponsor-created')).innerText();
    sponsorId = /编号 (\S+)/.exec(created)![1];
    await onScreen(page, 'topup-amount-input').fill(String(TOPUP_MB));
    await onScreen(page, 'topup-reference-input').fill('INV-E2E-1');
    await onScreen(page, 'topup-button').click();
    await expect((await waitOnScreen(page, 'topup-result')).innerText()).resolves.toContain(`已入账 ${formatMb(TOPUP_MB)}`);
  });

  it('lets the sponsor create and publish a check-in activity from its budget', async () => {
    const page = await signedIn('sponsor');
    await (await waitOnScreen(page, 'go-sponsor')).click();
    await untilText(page, 'sponsor-budget', formatMb(TOPUP_MB));
    expect(await onScreen(page, 'navbar').innerText()).toContain('赞助商');
    // The owner's fund warning: a level the publish below takes the budget under.
    await (await waitOnScreen(page, 'warn-level-input')).fill(String(WARN_MB));
    await onScreen(page, 'alert-level-input').fill('1000');
    await onScreen(page, 'add-contact-button').click();
    await (await waitOnScreen(page, 'contact-email-0')).fill(WARNING_EMAIL);
    await onScreen(page, 'save-warnings-button').click();
    await waitOnScreen(page, 'warnings-saved');
    await (await waitOnScreen(page, 'activity-title-input')).fill('每日签到领流量');
    await onScreen(page, 'activity-budget-input').fill(String(BUDGET_MB));
    await onScreen(page, 'activity-cap-input').fill('100');
    await onScreen(page, 'activity-amount-input').fill(String(REWARD_MB));
    await onScreen(page, 'create-activity-button').click();
    await (await waitOnScreen(page, 'publish-button')).click();
    await waitOnScreen(page, 'pause-button');
    await expect(onScreen(page, 'activity-status').first().innerText()).resolves.toContain('进行中');
    await untilText(page, 'sponsor-budget', formatMb(TOPUP_MB - BUDGET_MB));
    const warnings = (await stack.client.get(`/api/v1/dev/outbox?to=${WARNING_EMAIL}`)).body.items;
    expect(warnings).toEqual([expect.objectContaining({ channel: 'email', text: expect.stringContaining(`已降至预警线 ${formatMb(WARN_MB)}`) })]);
  });

  it('lets a user check in from another browser and see the reward in the wallet, once a day', async () => {
    const page = await signedIn('user');
    await onScreen(page, 'go-activities').click();
    await (await waitOnScreen(page, 'checkin-button')).click();
    expect(await onScreen(page, 'navbar').innerText()).toContain('活动中心');
    await expect((await waitOnScreen(page, 'checkin-result')).innerText()).resolves.toContain(`获得 ${formatMb(REWARD_MB)}，已连续签到 1 天`);
    await untilText(page, 'checkin-button', '今天已签到');
    await page.goBack();
    await untilText(page, 'balance', formatMb(REWARD_MB));
  });

  it('shows the sponsor the reward in the activity report', async () => {
    const page = phones.get('sponsor')!.page;
    await page.reload();
    await (await waitOnScreen(page, 'report-button')).click();
    await expect((await waitOnScreen(page, 'report-spent')).innerText()).resolves.toContain(`已发放 ${formatMb(REWARD_MB)}（1 次，1 人）`);
    // Every page has the navigation bar; the sponsor page that opened this one leaves the screen a moment later.
    await untilCount(page, 'navbar', 1);
    expect(await onScreen(page, 'navbar').innerText()).toContain('活动报告');
    await untilText(page, 'report-remaining', `剩余 ${formatMb(BUDGET_MB - REWARD_MB)}`);
    expect(await onScreen(page, 'spend-bar').count()).toBe(1);
    // The report's rows: the one reward, the user's phone masked.
    const rows = page.locator('[data-testid^="reward-line-"]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    await expect(rows.first().innerText()).resolves.toMatch(new RegExp(`${PHONES.user.slice(0, 3)}\\*{4}${PHONES.user.slice(-4)}.*签到`, 's'));
    expect(sponsorId).toMatch(/^[0-9a-z]{26}$/);
  });
});
