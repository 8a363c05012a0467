import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { formatMb, type RedPacket, type Wallet } from '@liuliang/shared';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { ApiError, describeFailure } from '../src/api/errors';
import { launchChromium, onScreen, openPhone, type Phone, sessionTokenOf, signInThroughUi, untilCount, untilText, waitOnScreen } from './phone';

const H5_DIR = path.resolve(__dirname, '../dist/h5');
const SCREENSHOT_DIR = path.join(__dirname, 'screenshots');

/** What A's carrier plan has left this month, all of which A banks. */
const BANKED_MB = 800;
const PACKET_TOTAL_MB = 300;
const PACKET_COUNT = 3;
const GREETING = '周末快乐，流量管够';

const PHONES = { A: '13912340001', B: '13912340002', C: '13912340003', D: '13912340004' } as const;
type Person = keyof typeof PHONES;
/** Default nicknames are random (they once showed the phone's last digits): read after sign-in. */
const nicknames = new Map<Person, string>();
const nicknameOf = (person: Person): string => {
  const nickname = nicknames.get(person);
  if (nickname === undefined) throw new Error(`${person} has not signed in yet`);
  return nickname;
};

/**
 * The red packet journey in a real browser against the real stack. A banks plan data and sends a
 * random packet of 3 shares; A grabs one share themself (the sender may grab, SPEC §3.3), B and
 * C open the share link, sign in, come back to the packet and grab the other two while A watches
 * them arrive live; D, the fourth, finds it sold out. Every wallet adds up to what A banked.
 * The `it`s are the steps of this one journey, in order: each continues where the last stopped.
 */
describe('the mini-program in a browser, against the real stack', () => {
  let stack: TestStack;
  let browser: Browser;
  const phones = new Map<Person, Phone>();

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
    const pageErrors = [...phones.values()].flatMap((phone) => phone.pageErrors);
    expect(pageErrors).toEqual([]);
  });

  async function phoneOf(person: Person): Promise<Page> {
    if (!phones.has(person)) phones.set(person, await openPhone(browser, person));
    return phones.get(person)!.page;
  }

  async function signIn(page: Page, person: Person): Promise<void> {
    await signInThroughUi(page, stack.client, PHONES[person]);
    const [row] = await stack.server.deps.dataSource.query('SELECT nickname FROM users WHERE phone = ?', [PHONES[person]]);
    nicknames.set(person, row.nickname);
  }

  async function walletOf(page: Page): Promise<Wallet> {
    const answer = await stack.client.get<Wallet>('/api/v1/wallet', { token: await sessionTokenOf(page) });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  let shareLink = '';
  let packetId = '';

  it('lets A sign in, bank plan data and send a random packet of 3 shares', async () => {
    await stack.sim.setPlan({ phone: PHONES.A, totalMb: 2048, usedMb: 2048 - BANKED_MB });
    const a = await phoneOf('A');
    await a.goto(stack.url);
    await signIn(a, 'A');
    await untilText(a, 'balance', formatMb(0));

    await onScreen(a, 'go-storage').click();
    await untilText(a, 'bankable', formatMb(BANKED_MB));
    await onScreen(a, 'deposit-all').click();
    await onScreen(a, 'deposit-button').click();
    await expect((await waitOnScreen(a, 'deposit-result')).innerText()).resolves.toContain(`已转存 ${formatMb(BANKED_MB)} 到钱包`);

    // Back, as the phone's back button does; the home page reloads the wallet when shown again.
    await a.goBack();
    await untilText(a, 'balance', formatMb(BANKED_MB));
    await onScreen(a, 'go-send-packet').click();
    await (await waitOnScreen(a, 'mode-random')).click();
    await onScreen(a, 'packet-amount-input').fill(String(PACKET_TOTAL_MB));
    await onScreen(a, 'packet-count-input').fill(String(PACKET_COUNT));
    await onScreen(a, 'packet-greeting-input').fill(GREETING);
    await untilText(a, 'packet-total', `共 ${formatMb(PACKET_TOTAL_MB)}`);
    await onScreen(a, 'send-packet-button').click();

    await untilText(a, 'packet-progress', `已领取 0/${PACKET_COUNT} 个，共 0 MB/${formatMb(PACKET_TOTAL_MB)}`);
    await untilText(a, 'packet-greeting', GREETING);
    shareLink = await onScreen(a, 'share-link').innerText();
    expect(shareLink).toMatch(new RegExp(`^${stack.url}/#/pages/packet/index\\?id=[^&]+$`));
    packetId = decodeURIComponent(new URL(shareLink.replace('#/', '')).searchParams.get('id')!);
  });

  it('shows A, on the open packet page, the grabs of B and C as they happen, then the luckiest', async () => {
    const a = await phoneOf('A');
    await onScreen(a, 'grab-button').click();
    await waitOnScreen(a, 'grab-result');
    await untilCount(a, 'grab-item', 1);
    // A full reload would drop this marker: what follows must reach A's page live.
    await a.evaluate(() => Object.assign(window, { e2eNeverReloaded: true }));

    for (const [friend, grabsAfter] of [['B', 2], ['C', 3]] as const) {
      const page = await phoneOf(friend);
      // Signed out, the link shows the packet's cover first: who sent it, the greeting, the kind.
      await page.goto(shareLink);
      await untilText(page, 'packet-sender', `${nicknameOf('A')} 的红包`);
      await untilText(page, 'packet-greeting', GREETING);
      await untilText(page, 'packet-kind', '拼手气红包');
      await onScreen(page, 'sign-in-to-grab').click();
      await waitOnScreen(page, 'phone-input');
      expect(decodeURIComponent(page.url())).toContain(`redirect=/pages/packet/index?id=${packetId}&grab=1`);
      // After sign-in, straight to the grab: no second tap.
      await signIn(page, friend);
      await expect((await waitOnScreen(page, 'grab-result')).innerText()).resolves.toMatch(/你抢到了\s*\d+ MB/);

      await untilCount(a, 'grab-item', grabsAfter);
      expect(await onScreen(a, 'grab-list').innerText()).toContain(nicknameOf(friend));
    }

    const packet = await packetSeenBy(a);
    expect(packet).toMatchObject({ status: 'finished', remainingCount: 0, remainingMb: 0 });
    expect(packet.grabs.map((grab) => grab.nickname)).toEqual([nicknameOf('A'), nicknameOf('B'), nicknameOf('C')]);
    expect(packet.grabs.reduce((sum, grab) => sum + grab.amountMb, 0)).toBe(PACKET_TOTAL_MB);
    const best = packet.luckiest!;
    expect(best.amountMb).toBe(Math.max(...packet.grabs.map((grab) => grab.amountMb)));

    await untilText(a, 'packet-finished', describeFailure(new ApiError('SOLD_OUT', 409, '')));
    await untilText(a, 'luckiest', `手气最佳：${best.nickname} ${formatMb(best.amountMb)}`);
    await untilCount(a, 'luckiest-badge', 1);
    await untilText(a, 'packet-progress', `已领取 3/3 个，共 ${formatMb(PACKET_TOTAL_MB)}/${formatMb(PACKET_TOTAL_MB)}`);
    const grabItems = await onScreen(a, 'grab-item').allInnerTexts();
    packet.grabs.forEach((grab, i) => {
      expect(grabItems[i]).toContain(grab.nickname);
      expect(grabItems[i]).toContain(formatMb(grab.amountMb));
    });
    expect(await a.evaluate(() => (window as unknown as { e2eNeverReloaded?: boolean }).e2eNeverReloaded)).toBe(true);
    // …and it came over socket.io's WebSocket, as `grabbed` events naming B and C.
    const liveGrabs = phones.get('A')!.socketFrames.filter((frame) => frame.includes('"grabbed"'));
    expect(liveGrabs.some((frame) => frame.includes(nicknameOf('B')))).toBe(true);
    expect(liveGrabs.some((frame) => frame.includes(nicknameOf('C')))).toBe(true);
    await a.screenshot({ path: path.join(SCREENSHOT_DIR, 'packet-live.png') });
  });

  it('tells D, the fourth, that the packet is sold out, and the service refuses D a share', async () => {
    const d = await phoneOf('D');
    await d.goto(shareLink);
    // The cover already says it: before D signs in.
    await untilText(d, 'packet-finished', '红包已被抢完');
    await onScreen(d, 'sign-in-to-grab').click();
    await signIn(d, 'D');
    await untilText(d, 'packet-finished', describeFailure(new ApiError('SOLD_OUT', 409, '')));
    await untilCount(d, 'grab-button', 0);
    await untilCount(d, 'grab-item', PACKET_COUNT);
    const grab = await stack.client.post(`/api/v1/red-packets/${encodeURIComponent(packetId)}/grab`, {}, { token: await sessionTokenOf(d), idempotencyKey: true });
    expect({ status: grab.status, code: grab.body.error?.code }).toEqual({ status: 409, code: 'SOLD_OUT' });
    await d.screenshot({ path: path.join(SCREENSHOT_DIR, 'packet-sold-out.png') });
  });

  it('shows on every home page a balance that matches the wallet, and together they are what A banked', async () => {
    const packet = await packetSeenBy(await phoneOf('A'));
    const shareOf = (person: Person): number => packet.grabs.find((grab) => grab.nickname === nicknameOf(person))?.amountMb ?? 0;
    const expectedMb: Record<Person, number> = {
      A: BANKED_MB - PACKET_TOTAL_MB + shareOf('A'),
      B: shareOf('B'),
      C: shareOf('C'),
      D: 0,
    };
    let totalMb = 0;
    for (const person of Object.keys(PHONES) as Person[]) {
      const page = await phoneOf(person);
      await page.goto(`${stack.url}/#/pages/home/index`);
      const wallet = await walletOf(page);
      expect(wallet.balanceMb).toBe(expectedMb[person]);
      await untilText(page, 'balance', formatMb(wallet.balanceMb));
      totalMb += wallet.balanceMb;
    }
    expect(totalMb).toBe(BANKED_MB);

    const b = await phoneOf('B');
    await untilCount(b, 'history-item', 1);
    // B's entry names whose packet it was: A's nickname and masked number.
    expect(await onScreen(b, 'history-item').innerText()).toMatch(new RegExp(`抢到 用户[A-Z]{6} \\(\\d{3}\\*{4}\\d{4}\\) 的红包 ${formatMb(shareOf('B'))}`));

    // A's history tells the whole story: banked, sent the packet, grabbed a share of it.
    const a = await phoneOf('A');
    await untilCount(a, 'history-item', 3);
    const stories = await onScreen(a, 'history-item').allInnerTexts();
    expect(stories[0]).toContain(`+${formatMb(shareOf('A'))}`);
    expect(stories[1]).toContain(`发出红包 ${formatMb(PACKET_TOTAL_MB)}`);
    expect(stories[2]).toContain(`转存了 ${formatMb(BANKED_MB)} 套餐流量`);
    await a.screenshot({ path: path.join(SCREENSHOT_DIR, 'home.png') });
  });

  /** The packet as the service answers it to the person on this page. */
  async function packetSeenBy(page: Page): Promise<RedPacket> {
    const answer = await stack.client.get<RedPacket>(`/api/v1/red-packets/${encodeURIComponent(packetId)}`, { token: await sessionTokenOf(page) });
    expect(answer.status).toBe(200);
    return answer.body;
  }
});
