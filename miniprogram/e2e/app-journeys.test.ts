import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatMb } from '@liuliang/shared';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { eventually, launchChromium, onScreen, openPhone, type Phone, signInThroughUi, untilCount, untilText, waitOnScreen } from './phone';

const H5_DIR = path.resolve(__dirname, '../dist/h5');
const DOCS_DIR = path.resolve(__dirname, '../../docs');

const PHONES = { sender: '13712340001', friend: '13712340002', newcomer: '13712340003' } as const;
type Person = keyof typeof PHONES;
const NICKNAME = '小明';
const GREETING = '周末快乐';
/** A 1×1 PNG: a face to upload. */
const FACE_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * The journeys of issue 16 in a real browser against the real stack, in order: the sender names
 * themself in 我的, banks data and sends a packet; finds it again in 红包记录 and reshares it; a
 * signed-out friend opens the link, sees the cover, signs in and grabs; the sender's nickname
 * is in the grab list; a gift to a number not yet registered is confirmed on the sheet and the
 * sender's row turns 已领取 once the newcomer signs in; the friend uploads a face; 消息 tells the
 * sender both, with a badge on 我的 until 全部已读. Unknown pages lead home.
 */
describe('an app people keep, in a browser', () => {
  let stack: TestStack;
  let browser: Browser;
  const phones = new Map<Person, Phone>();

  beforeAll(async () => {
    if (!existsSync(path.join(H5_DIR, 'index.html'))) throw new Error(`The H5 build is missing (${H5_DIR}/index.html). Run \`npm run build\` first.`);
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

  let shareLink = '';

  it('lets the sender pick a nickname in 我的, bank data and send a packet', async () => {
    await stack.sim.setPlan({ phone: PHONES.sender, totalMb: 2048, usedMb: 1024 });
    const page = await phoneOf('sender');
    await page.goto(stack.url);
    await signInThroughUi(page, stack.client, PHONES.sender);
    await untilText(page, 'balance', formatMb(0));

    await onScreen(page, 'tab-me').click();
    await onScreen(page, 'edit-nickname').click();
    await onScreen(page, 'nickname-input').fill(NICKNAME);
    await onScreen(page, 'nickname-save').click();
    await untilText(page, 'profile-nickname', NICKNAME);
    // The carrier simulator derives carrier and province from the number.
    expect(await (await waitOnScreen(page, 'plan-label')).innerText()).toMatch(/^中国(移动|联通|电信) · \S+$/);

    await onScreen(page, 'go-storage').click();
    await untilText(page, 'bankable', formatMb(1024));
    await onScreen(page, 'deposit-all').click();
    await onScreen(page, 'deposit-button').click();
    await waitOnScreen(page, 'deposit-result');

    await onScreen(page, 'nav-home').click();
    await untilText(page, 'balance', formatMb(1024));
    await onScreen(page, 'go-send-packet').click();
    await untilText(page, 'available-balance', `可用余额 ${formatMb(1024)}`);
    await (await waitOnScreen(page, 'mode-equal')).click();
    await onScreen(page, 'packet-preset-100').click();
    await onScreen(page, 'packet-count-input').fill('2');
    await onScreen(page, 'packet-greeting-input').fill(GREETING);
    await untilText(page, 'packet-total', `共 ${formatMb(200)}`);
    await onScreen(page, 'send-packet-button').click();
    // The sender grabs a share too: their new name is what the grab list shows.
    await (await waitOnScreen(page, 'grab-button')).click();
    await waitOnScreen(page, 'grab-result');
    await untilCount(page, 'grab-item', 1);
    expect(await onScreen(page, 'grab-list').innerText()).toContain(NICKNAME);
  });

  it('finds the sent packet again in 红包记录 and reshares its link', async () => {
    const page = await phoneOf('sender');
    await onScreen(page, 'nav-home').click();
    await onScreen(page, 'tab-packets').click();
    await (await waitOnScreen(page, 'records-sent')).click();
    const summary = onScreen(page, 'records-summary');
    await eventually(
      'the sent totals',
      () => summary.innerText(),
      (text) => /^1\s*发出（个）/.test(text) && text.includes(formatMb(200)),
    );
    const record = await waitOnScreen(page, 'packet-record');
    expect(await record.innerText()).toContain(`普通红包「${GREETING}」`);
    await page.screenshot({ path: path.join(DOCS_DIR, 'packet-records.png') });
    await record.click();
    shareLink = (await (await waitOnScreen(page, 'share-link')).innerText()).trim();
    expect(shareLink).toMatch(new RegExp(`^${stack.url}/#/pages/packet/index\\?id=[^&]+$`));
    await onScreen(page, 'copy-share-link').click();
  });

  it('shows a signed-out friend the cover, then signs them in straight to the grab', async () => {
    const page = await phoneOf('friend');
    await page.goto(shareLink);
    await untilText(page, 'packet-sender', `${NICKNAME} 的红包`);
    await untilText(page, 'packet-greeting', GREETING);
    await untilText(page, 'packet-kind', '普通红包');
    expect(await page.title()).toBe(`${NICKNAME}给你发了一个流量红包「${GREETING}」`);
    await page.screenshot({ path: path.join(DOCS_DIR, 'packet-cover.png') });
    await onScreen(page, 'sign-in-to-grab').click();
    await signInThroughUi(page, stack.client, PHONES.friend);
    await expect((await waitOnScreen(page, 'grab-result')).innerText()).resolves.toContain(formatMb(100));
    await untilCount(page, 'grab-item', 2);
    expect(await onScreen(page, 'grab-list').innerText()).toContain(NICKNAME);
    // Equal shares: nobody is 手气最佳.
    await untilCount(page, 'luckiest-badge', 0);
  });

  it('lets the friend choose a face from a file in 我的, shown in place of the generated one', async () => {
    const page = await phoneOf('friend');
    await onScreen(page, 'nav-home').click();
    await onScreen(page, 'tab-me').click();
    await waitOnScreen(page, 'profile-nickname');
    await page.getByTestId('avatar-file').setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: Buffer.from(FACE_PNG, 'base64') });
    const face = await waitOnScreen(page, 'avatar-image');
    // Taro's H5 Image is a custom element around an <img>: the picture shown is the one uploaded.
    const shown = await eventually(
      'the uploaded face, loaded',
      () =>
        face.evaluate((element) => {
          const img = element.tagName === 'IMG' ? (element as HTMLImageElement) : element.querySelector('img');
          return img && img.complete && img.naturalWidth > 0 ? new URL(img.src).pathname : null;
        }),
      (path) => path !== null,
    );
    expect(shown).toMatch(/^\/api\/v1\/avatars\/[0-9a-z]{26}$/);
  });

  it('confirms a gift on a sheet naming the unregistered recipient; the row turns 已领取 once they sign in', async () => {
    const page = await phoneOf('sender');
    await onScreen(page, 'nav-home').click();
    await onScreen(page, 'go-gift').click();
    await untilText(page, 'available-balance', `可用余额 ${formatMb(1024 - 200 + 100)}`);
    await onScreen(page, 'gift-phone-input').fill(PHONES.newcomer);
    await onScreen(page, 'gift-preset-100').click();
    await onScreen(page, 'gift-button').click();
    const recipient = await waitOnScreen(page, 'gift-recipient');
    expect(await recipient.innerText()).toMatch(/137\*{4}0003\s+未注册，72 小时内登录领取/);
    await page.screenshot({ path: path.join(DOCS_DIR, 'gift-confirm.png') });
    await onScreen(page, 'gift-confirm').click();
    await waitOnScreen(page, 'gift-result');

    await onScreen(page, 'nav-home').click();
    await untilText(page, 'gift-status', '等待领取');

    const newcomer = await phoneOf('newcomer');
    await newcomer.goto(stack.url);
    await signInThroughUi(newcomer, stack.client, PHONES.newcomer);
    await untilText(newcomer, 'balance', formatMb(100));

    // No reload: the claim reaches the sender's open home page over socket.io (walletChanged).
    await untilText(page, 'gift-status', '已领取');
    await page.screenshot({ path: path.join(DOCS_DIR, 'home.png') });
    await onScreen(page, 'gift-status').click();
    await untilText(page, 'entry-status', '状态\n已领取');
  });

  it('tells the sender in 消息 that the gift was claimed and the packet grabbed to the end, with a badge on 我的 until read', async () => {
    const page = await phoneOf('sender');
    await onScreen(page, 'nav-home').click();
    const badge = await waitOnScreen(page, 'tab-badge-me');
    expect(Number(await badge.innerText())).toBeGreaterThanOrEqual(2);
    await onScreen(page, 'tab-me').click();
    await (await waitOnScreen(page, 'go-messages')).click();
    const lines = onScreen(page, 'notice');
    await eventually(
      'the claimed gift and the finished packet',
      () => lines.allInnerTexts(),
      (texts) => texts.some((text) => text.includes(`你送出的 ${formatMb(100)} 已被领取`)) && texts.some((text) => text.includes(`你的红包「${GREETING}」已被抢完`)),
    );
    await page.screenshot({ path: path.join(DOCS_DIR, 'messages.png') });
    await onScreen(page, 'mark-all-read').click();
    await untilCount(page, 'unread-count', 0);
    // Kept by the service: a fresh load shows every line read.
    await page.reload();
    await eventually(
      'every line read after a reload',
      () => page.locator('[data-testid=notice]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-read'))),
      (marks) => marks.length >= 2 && marks.every((mark) => mark === 'yes'),
    );
    await untilCount(page, 'unread-count', 0);
  });

  it('leads home from a page that does not exist', async () => {
    const page = await phoneOf('friend');
    await page.goto(`${stack.url}/#/pages/nothing-here/index`);
    await (await waitOnScreen(page, 'not-found-home')).click();
    await waitOnScreen(page, 'balance');
  });

  it('keeps a phone-width column on a desktop screen, and lets people zoom', async () => {
    const page = await phoneOf('friend');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${stack.url}/#/pages/home/index`);
    const balance = await waitOnScreen(page, 'balance');
    const column = await balance.evaluate((element) => (element.closest('.page') as HTMLElement).getBoundingClientRect().width);
    expect(column).toBeLessThanOrEqual(420);
    expect(await page.locator('meta[name=viewport]').getAttribute('content')).not.toContain('user-scalable=no');
    expect(await page.locator('link[rel=icon]').count()).toBe(1);
  });
});
