import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { formatMb, type Crowdfund } from '@liuliang/shared';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { fundWallets } from '../../server/src/test-support/wallets';
import { eventually, launchChromium, onScreen, openPhone, type Phone, sessionTokenOf, signInThroughUi, untilCount, untilText, waitOnScreen } from './phone';

const H5_DIR = path.resolve(__dirname, '../dist/h5');
const SCREENSHOT_DIR = path.join(__dirname, 'screenshots');

const GOAL_MB = 500;
const TITLE = '换新手机';
const PHONES = { A: '13912350001', B: '13912350002', C: '13912350003' } as const;
type Person = keyof typeof PHONES;

/**
 * The crowdfund journey in a real browser against the real stack: A starts a crowdfund from
 * the app; B and C open its share link in their own browser contexts, sign in and pledge; A's
 * page, open all along and never reloaded, shows the progress bar move with each pledge and
 * the crowdfund succeed. B then tips A from the crowdfund page. The `it`s are steps, in order.
 */
describe('a crowdfund in the browser, against the real stack', () => {
  let stack: TestStack;
  let browser: Browser;
  const phones = new Map<Person, Phone>();
  let shareLink = '';
  let crowdfundId = '';

  beforeAll(async () => {
    if (!existsSync(path.join(H5_DIR, 'index.html'))) {
      throw new Error(`The H5 build is missing (${H5_DIR}/index.html). Run \`npm run build\` at the repository root first (\`npm test\` does).`);
    }
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    stack = await startTestStack({ H5_DIR });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  afterEach(() => {
    expect([...phones.values()].flatMap((phone) => phone.pageErrors)).toEqual([]);
  });

  async function phoneOf(person: Person): Promise<Page> {
    if (!phones.has(person)) phones.set(person, await openPhone(browser, person));
    return phones.get(person)!.page;
  }
  async function signInAndFund(page: Page, person: Person, amountMb: number): Promise<void> {
    await signInThroughUi(page, stack.client, PHONES[person]);
    const [row] = await stack.server.deps.dataSource.query('SELECT id FROM users WHERE phone = ?', [PHONES[person]]);
    if (amountMb > 0) await fundWallets(stack.server.deps, [String(row.id)], amountMb);
  }
  // The fill of an empty bar has no width, so it is found inside the track, which is always on screen.
  const fill = (page: Page) => onScreen(page, 'crowdfund-progress').first().getByTestId('crowdfund-progress-fill');
  const fillPercent = (page: Page) => fill(page).getAttribute('data-percent');
  const fillWidth = (page: Page) => fill(page).evaluate((element) => (element as HTMLElement).style.width);

  it('lets A start a crowdfund from the app and shows its share link', async () => {
    const a = await phoneOf('A');
    await a.goto(stack.url);
    await signInAndFund(a, 'A', 0);
    await (await waitOnScreen(a, 'go-crowdfunds')).click();
    await waitOnScreen(a, 'go-create-crowdfund');
    // Every page is in the app's frame: a navigation bar with its name, 返回 and 首页.
    expect(await onScreen(a, 'navbar').innerText()).toContain('我的众筹');
    await onScreen(a, 'go-create-crowdfund').click();
    await (await waitOnScreen(a, 'crowdfund-title-input')).fill(TITLE);
    // The list page that opened this one leaves the screen a moment after this one arrives.
    await untilCount(a, 'navbar', 1);
    expect(await onScreen(a, 'navbar').innerText()).toContain('发起众筹');
    await onScreen(a, 'crowdfund-goal-input').fill(String(GOAL_MB));
    await onScreen(a, 'crowdfund-duration-259200').click();
    await onScreen(a, 'crowdfund-create-button').click();

    await untilText(a, 'crowdfund-title', TITLE);
    expect(await onScreen(a, 'nav-home').isVisible()).toBe(true);
    await untilText(a, 'crowdfund-raised', `已筹 0 MB / ${formatMb(GOAL_MB)}（0%）`);
    shareLink = await onScreen(a, 'crowdfund-share-link').innerText();
    expect(shareLink).toMatch(new RegExp(`^${stack.url}/#/pages/crowdfund/index\\?id=[0-9a-z]{26}$`));
    crowdfundId = new URL(shareLink.replace('#/', '')).searchParams.get('id')!;
  });

  it("moves the progress bar on A's open page, without a reload, as B and C pledge from their own browsers, until it succeeds", async () => {
    const a = await phoneOf('A');
    // A full reload would drop this marker: what follows must reach A's page live.
    await a.evaluate(() => Object.assign(window, { e2eNeverReloaded: true }));
    expect(await fillWidth(a)).toBe('0%');

    for (const [friend, asksMb, percentAfter] of [
      ['B', 200, '40'],
      ['C', 400, '100'],
    ] as const) {
      const page = await phoneOf(friend);
      await page.goto(shareLink);
      await waitOnScreen(page, 'phone-input');
      await signInAndFund(page, friend, 1000);
      await untilText(page, 'crowdfund-title', TITLE);
      await onScreen(page, 'pledge-amount-input').fill(String(asksMb));
      await onScreen(page, 'pledge-button').click();
      await waitOnScreen(page, 'pledge-result');
      await eventually(
        `A's progress bar after ${friend}'s pledge`,
        () => fillPercent(a),
        (percent) => percent === percentAfter,
      );
    }
    // C asked 400 while 300 were missing: only 300 was taken, and C's page says so.
    await untilText(await phoneOf('C'), 'pledge-result', `只差 ${formatMb(300)} 就达成了，所以只从你的钱包扣了 ${formatMb(300)}。`);

    expect(await fillWidth(a)).toBe('100%');
    await untilText(a, 'crowdfund-raised', `已筹 ${formatMb(GOAL_MB)} / ${formatMb(GOAL_MB)}（100%）`);
    await untilText(a, 'crowdfund-status', '众筹成功！目标流量已全部交给发起人');
    await untilCount(a, 'pledge-item', 2);
    expect(await a.evaluate(() => (window as unknown as { e2eNeverReloaded?: boolean }).e2eNeverReloaded)).toBe(true);
    const frames = phones.get('A')!.socketFrames;
    expect(frames.filter((frame) => frame.includes('"pledged"'))).toHaveLength(2);
    expect(frames.some((frame) => frame.includes('"closed"') && frame.includes('"succeeded"'))).toBe(true);

    const view = await stack.client.get<Crowdfund>(`/api/v1/crowdfunds/${crowdfundId}`, { token: await sessionTokenOf(a) });
    expect(view.body).toMatchObject({ status: 'succeeded', raisedMb: GOAL_MB });
    const wallet = await stack.client.get('/api/v1/wallet', { token: await sessionTokenOf(a) });
    expect(wallet.body.balanceMb).toBe(GOAL_MB);
    await a.screenshot({ path: path.join(SCREENSHOT_DIR, 'crowdfund-live.png') });
  });

  it('lets B tip A from the crowdfund page and shows B on its leaderboard', async () => {
    const b = await phoneOf('B');
    await onScreen(b, 'tip-open').click();
    await (await waitOnScreen(b, 'tip-amount-input')).fill('10');
    await onScreen(b, 'tip-message-input').fill('恭喜');
    await onScreen(b, 'tip-button').click();
    await waitOnScreen(b, 'tip-result');
    await untilCount(b, 'tip-leader', 1);
    const wallet = await stack.client.get('/api/v1/wallet', { token: await sessionTokenOf(await phoneOf('A')) });
    expect(wallet.body.balanceMb).toBe(GOAL_MB + 10);
  });
});
