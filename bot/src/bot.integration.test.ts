import { formatCouponCode, formatMb, type RedPacket } from '@liuliang/shared';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { eventually } from '../../server/src/test-support/eventually';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { signIn } from '../../server/src/test-support/http-client';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../server/src/test-support/sponsors';
import { couponBatchRequest, issuedCodes } from '../../server/src/test-support/coupons';
import { createBot, quietWechatyLog, type LiuliangBot } from './bot';
import { silentLogger } from './logger';

/**
 * The bot on the mock puppet against the real service (its own MariaDB database, Redis prefix
 * and carrier simulator): people bind, bank, give and grab by chatting, and every outcome is
 * checked through the API; the stack's close() audits the ledger.
 */

type ContactMock = mock.ContactMock;
type Name = 'xiaoming' | 'xiaohong' | 'xiaogang' | 'stranger' | 'outsider';
interface Person {
  contact: ContactMock;
  phone: string;
  userId: string;
}

const ROOM_ID = 'it-room@chatroom';
const RESTART_GIFTS = 16;

describe('the bot with the real service', () => {
  let stack: TestStack;
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  let bot: LiuliangBot;
  let botUser: ContactMock;
  let room: mock.RoomMock;
  const people = {} as Record<Name, Person>;
  /** Everything the bot said in the room, and to each person in private, in order. */
  const roomLines: string[] = [];
  const privateLines = new Map<string, string[]>();

  // One message per 200 ms: slow enough that a restart lands in the middle of a backlog.
  const newBot = (): LiuliangBot =>
    createBot({ puppet, serviceUrl: stack.url, botToken: stack.config.BOT_TOKEN, logger: silentLogger, outboxPollIntervalMs: 200, outboxBatchSize: 1, summaryIntervalMs: 100 });
  const asBot = (actingContactId?: string) => ({ headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, ...(actingContactId ? { 'x-acting-contact': actingContactId } : {}) } });
  const balance = async (person: Person): Promise<number> => (await stack.client.get('/api/v1/wallet', asBot(person.contact.id))).body.balanceMb;
  const packetsInRoom = async (): Promise<RedPacket[]> => (await stack.client.get(`/api/v1/red-packets?roomId=${encodeURIComponent(ROOM_ID)}`, asBot())).body.items;
  const said = (lines: readonly string[], pattern: RegExp) => lines.find((line) => pattern.test(line));
  const privately = (name: Name) => privateLines.get(people[name].contact.id) ?? [];
  const memberIds = async (): Promise<string[]> =>
    (await stack.server.deps.dataSource.query('SELECT contact_id FROM room_members WHERE room_id = ? ORDER BY contact_id', [ROOM_ID])).map((r: { contact_id: string }) => r.contact_id);

  async function bindByChat(name: Name): Promise<void> {
    const person = people[name];
    person.contact.say(`/bind ${person.phone}`).to(botUser);
    await eventually(`the code prompt for ${name}`, () => said(privately(name), /A code was sent/));
    const outbox = (await stack.client.get(`/api/v1/dev/outbox?to=${person.phone}`)).body.items as Array<{ channel: string; text: string }>;
    const code = /(\d{6})/.exec(outbox.find((m) => m.channel === 'sms')!.text)![1];
    person.contact.say(`/bind ${code}`).to(botUser);
    await eventually(`${name} bound`, () => said(privately(name), /^Bound: /));
    person.userId = (await stack.client.get(`/api/v1/bot/bindings/${person.contact.id}`, asBot())).body.userId;
  }

  beforeAll(async () => {
    quietWechatyLog('silent');
    // The restart scenario sends many gifts in one day; the limits are tested with gifts.
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 50, GIFT_WEEKLY_LIMIT: 50, GIFT_MONTHLY_LIMIT: 50 });
    bot = newBot();
    await bot.start();
    botUser = mocker.createContact({ id: 'it-bot', name: '流量小助手' });
    const names = { xiaoming: '小明', xiaohong: '小红', xiaogang: '小刚', stranger: '小陌', outsider: '小外' } as const;
    Object.entries(names).forEach(([key, name], index) => {
      const contact = mocker.createContact({ id: `it-${key}`, name });
      people[key as Name] = { contact, phone: `1390000000${index + 1}`, userId: '' };
      privateLines.set(contact.id, []);
      contact.on('message', (message) => {
        if (message.talker().id === botUser.id && message.room() === undefined) privateLines.get(contact.id)!.push(message.text() ?? '');
      });
    });
    // The outsider is bound but not in the room.
    const inRoom = [people.xiaoming, people.xiaohong, people.xiaogang, people.stranger].map((p) => p.contact.id);
    room = mocker.createRoom({ id: ROOM_ID, topic: '流量群', memberIdList: [botUser.id, ...inRoom] });
    room.on('message', (message) => {
      if (message.talker().id === botUser.id) roomLines.push(message.text() ?? '');
    });
    mocker.login(botUser);
    await eventually('the room members on the service', async () => (await memberIds()).length === inRoom.length);
    for (const name of ['xiaoming', 'xiaohong', 'xiaogang', 'outsider'] as const) await bindByChat(name);
  });

  afterAll(async () => {
    await bot?.stop();
    await stack?.close();
  });

  it('banks plan data and gives some to a friend, who hears of it in private', async () => {
    const { xiaoming, xiaohong } = people;
    await stack.sim.setPlan({ phone: xiaoming.phone, totalMb: 10240, usedMb: 0 });
    xiaoming.contact.say('转存 1G').to(room);
    await eventually('1 GB in 小明\'s wallet', async () => (await balance(xiaoming)) === 1024);
    xiaoming.contact.say('转赠 @小红 100M 生日快乐', [xiaohong.contact]).to(room);
    await eventually('the gift in 小红\'s wallet', async () => (await balance(xiaohong)) === 100);
    expect(await balance(xiaoming)).toBe(924);
    const notice = await eventually('the gift notice to 小红', () => said(privately('xiaohong'), /送给你 100 MB 流量/));
    // Binding gave each their chat name as nickname (they had the generated one): the same name everywhere.
    expect(notice).toMatch(/^小红，小明 \(\d{3}\*{4}\d{4}\) .*留言：生日快乐$/);
  });

  it('tells a stranger how to bind and changes nothing; a bound contact outside the room cannot grab', async () => {
    const { xiaoming, stranger, outsider } = people;
    xiaoming.contact.say('普通红包 10M 2').to(room);
    const packet = await eventually('the packet', async () => (await packetsInRoom()).find((p) => p.status === 'open' && p.totalMb === 20));
    stranger.contact.say('抢').to(room);
    await eventually('the bind hint', () => said(roomLines, /@小陌.*你还没有绑定手机号/));
    expect((await stack.client.get(`/api/v1/bot/bindings/${stranger.contact.id}`, asBot())).status).toBe(403);
    expect(await stack.server.deps.dataSource.query('SELECT id FROM users WHERE phone = ?', [stranger.phone])).toEqual([]);

    outsider.contact.say('抢').to(room);
    await eventually('the refusal', () => said(roomLines, /@小外.*不在这个群的成员名单里/));
    expect(await balance(outsider)).toBe(0);
    const after = (await stack.client.get(`/api/v1/red-packets/${packet.id}`, asBot())).body as RedPacket;
    expect({ remainingCount: after.remainingCount, grabs: after.grabs }).toEqual({ remainingCount: 2, grabs: [] });
    // Leave nothing open for the scenes after this one.
    xiaoming.contact.say('抢').to(room);
    people.xiaohong.contact.say('抢').to(room);
    await eventually('the small packet finished', async () => (await stack.client.get(`/api/v1/red-packets/${packet.id}`, asBot())).body.status === 'finished');
  });

  it('lets the room grab a random packet by 抢 and a passphrase packet by its passphrase, and names the luckiest', async () => {
    const { xiaoming, xiaohong, xiaogang } = people;
    const before = { xiaoming: await balance(xiaoming), xiaohong: await balance(xiaohong), xiaogang: await balance(xiaogang) };
    const chatName = new Map([xiaoming, xiaohong, xiaogang].map((p) => [p.userId, p.contact.payload.name]));

    xiaoming.contact.say('红包 300M 3').to(room);
    const lucky = await eventually('the random packet', async () => (await packetsInRoom()).find((p) => p.status === 'open' && p.mode === 'random'));
    for (const person of [xiaohong, xiaogang, xiaoming]) person.contact.say('抢').to(room);
    const finished = await eventually('the random packet finished', async () => {
      const view = (await stack.client.get(`/api/v1/red-packets/${lucky.id}`, asBot())).body as RedPacket;
      return view.status === 'finished' ? view : undefined;
    });
    expect(finished.grabs.reduce((sum, g) => sum + g.amountMb, 0)).toBe(300);
    const best = finished.luckiest!;
    await eventually('the luckiest named in the room', () => said(roomLines, new RegExp(`已被抢完（3 个，共 300 MB）\\n手气最佳：${chatName.get(best.userId)}，${formatMb(best.amountMb)}`)));
    expect(said(roomLines, /抢到/)).toBeDefined();

    xiaoming.contact.say('普通红包 20M 2 芝麻开门').to(room);
    const secret = await eventually('the passphrase packet', async () => (await packetsInRoom()).find((p) => p.status === 'open' && p.hasPassphrase));
    // Public on both faces (issue 16): the room saw it in the sender's command, the packet view shows it too.
    expect(secret.passphrase).toBe('芝麻开门');
    xiaohong.contact.say('芝麻开门').to(room);
    xiaogang.contact.say('芝麻开门').to(room);
    await eventually('the passphrase packet finished', async () => (await stack.client.get(`/api/v1/red-packets/${secret.id}`, asBot())).body.status === 'finished');
    await eventually('its end in the room', () => roomLines.filter((line) => /已被抢完/.test(line)).length >= 3);

    const share = (userId: string) => finished.grabs.find((g) => g.userId === userId)!.amountMb;
    expect(await balance(xiaoming)).toBe(before.xiaoming - 300 - 40 + share(xiaoming.userId));
    expect(await balance(xiaohong)).toBe(before.xiaohong + share(xiaohong.userId) + 20);
    expect(await balance(xiaogang)).toBe(before.xiaogang + share(xiaogang.userId) + 20);
    // Data moved between the three and nowhere else: all of it came from 小明's 1 GB.
    expect((await Promise.all([xiaoming, xiaohong, xiaogang].map((p) => balance(p)))).reduce((a, b) => a + b, 0)).toBe(1024);
  });

  it('delivers every outbox message exactly once across a bot restart', async () => {
    const { xiaoming, xiaohong, xiaogang } = people;
    const delivered = (i: number) =>
      [...privately('xiaohong'), ...privately('xiaogang')].filter((line) => line.endsWith(`留言：第${i}份`)).length;
    const deliveredCount = () => Array.from({ length: RESTART_GIFTS }, (_, i) => delivered(i)).filter((n) => n > 0).length;
    const wechatRows = async () =>
      (await stack.server.deps.dataSource.query(`SELECT status FROM outbox WHERE channel = 'wechat' AND template = 'gift_delivered' AND text LIKE '%留言：第%份'`)) as Array<{ status: string }>;

    for (let i = 0; i < RESTART_GIFTS; i++) {
      const to = i % 2 === 0 ? xiaohong : xiaogang;
      xiaoming.contact.say(`/give ${to.phone} 10M 第${i}份`).to(botUser);
    }
    await eventually('every gift written', async () => (await wechatRows()).length === RESTART_GIFTS);
    await eventually('the first deliveries', () => deliveredCount() >= 2);
    await bot.stop();
    const atStop = deliveredCount();
    expect(atStop).toBeLessThan(RESTART_GIFTS);

    bot = newBot();
    await bot.start();
    mocker.login(botUser);
    await eventually('every gift notice delivered', () => deliveredCount() === RESTART_GIFTS);
    await eventually('every message marked sent', async () => (await wechatRows()).every((row) => row.status === 'sent'));
    expect(Array.from({ length: RESTART_GIFTS }, (_, i) => delivered(i))).toEqual(Array(RESTART_GIFTS).fill(1));
    expect(await balance(xiaohong) + (await balance(xiaogang)) + (await balance(xiaoming))).toBe(1024);
  });

  // Last: the reward is data from outside the three friends' wallets, which the tests above count.
  it('checks in to a sponsor\'s activity by 签到, once a day, and the reward notice arrives in private', async () => {
    const { xiaogang } = people;
    await grantOperator(stack, '13900000099', 'admin');
    const admin = await signIn(stack.client, '13900000099');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13900000098', 1000);
    const owner = await signIn(stack.client, '13900000098');
    await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { title: '群签到' }));
    const before = await balance(xiaogang);
    xiaogang.contact.say('签到').to(room);
    await eventually('the check-in reply', () => said(roomLines, /签到成功！「群签到」获得 10 MB，已连续签到 1 天/));
    expect(await balance(xiaogang)).toBe(before + 10);
    // The sponsor's rewarded template, rendered for xiaogang, names the sponsor in front.
    await eventually('the reward notice in private', () => said(privately('xiaogang'), /^赞助商0098：.+，你获得 10 MB（赞助商0098）$/));
    xiaogang.contact.say('签到').to(room);
    await eventually('the second check-in refused', () => said(roomLines, /今天已经签到过了/));
    expect(await balance(xiaogang)).toBe(before + 10);
  });

  it('stops activity messages on 退订 and restarts them on 订阅, answering in private', async () => {
    const { xiaogang } = people;
    const optedOut = async () => (await stack.server.deps.dataSource.query('SELECT source FROM message_optouts WHERE phone = ?', [xiaogang.phone])) as Array<{ source: string }>;
    xiaogang.contact.say('退订').to(botUser);
    await eventually('the unsubscribe answer', () => said(privately('xiaogang'), /已退订活动消息/));
    expect(await optedOut()).toEqual([{ source: 'bot' }]);
    xiaogang.contact.say('订阅').to(botUser);
    await eventually('the subscribe answer', () => said(privately('xiaogang'), /已重新订阅活动消息/));
    expect(await optedOut()).toEqual([]);
  });

  it('posts a sponsor\'s 红包雨 into the room in the sponsor\'s name, and the room grabs it by 抢', async () => {
    const { xiaohong } = people;
    await grantOperator(stack, '13900000096', 'admin');
    const admin = await signIn(stack.client, '13900000096');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13900000097', 1000);
    const owner = await signIn(stack.client, '13900000097');
    const now = Date.now();
    const rain = { times: [new Date(now - 1_000).toISOString()], roomIds: [ROOM_ID], count: 1, totalMb: 30 };
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(now), { type: 'red_packet_rain', title: '群红包雨', rain }));
    // The scheduler's tick, run here: the stack runs no jobs of its own.
    expect(await stack.server.services.rain.dropDueRain()).toBe(1);
    await eventually('the rain announced in the room', () => said(roomLines, /^【赞助商0097赞助】红包雨来了！「群红包雨」1 个红包共 30 MB 流量/));
    const before = await balance(xiaohong);
    xiaohong.contact.say('抢').to(room);
    await eventually('the rain packet grabbed', async () => (await balance(xiaohong)) === before + 30);
    const packets = (await packetsInRoom()).filter((p) => p.senderId === null);
    expect(packets).toEqual([expect.objectContaining({ status: 'finished', senderNickname: '赞助商0097', totalMb: 30 })]);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}`, { token: owner.token })).body.paidMb).toBe(60);
  });

  it('redeems a sponsor’s coupon by 兑换 in private, once; a second person hears it is spent, a typo is caught before it counts', async () => {
    const { xiaohong, xiaoming } = people;
    await grantOperator(stack, '13900000095', 'admin');
    const admin = await signIn(stack.client, '13900000095');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13900000094', 1000);
    const owner = await signIn(stack.client, '13900000094');
    const { codes } = await issuedCodes(stack.client, owner.token, sid, couponBatchRequest(new Date(), { title: '群福利', amountMb: 64, count: 2 }));
    const before = await balance(xiaohong);
    xiaohong.contact.say(`兑换 ${formatCouponCode(codes[0]).toLowerCase()}`).to(botUser);
    await eventually('the redeem reply', () => said(privately('xiaohong'), /兑换成功！64 MB 已存入钱包（群福利，赞助商0094）/));
    expect(await balance(xiaohong)).toBe(before + 64);
    xiaoming.contact.say(`/redeem ${codes[0]}`).to(botUser);
    await eventually('the spent code refused', () => said(privately('xiaoming'), /already been redeemed/));
    const typo = codes[1].slice(0, 16) + (codes[1][16] === '0' ? '1' : '0');
    xiaoming.contact.say(`兑换 ${typo}`).to(botUser);
    await eventually('the typo caught', () => said(privately('xiaoming'), /好像有字符输错了/));
    expect(await balance(xiaohong)).toBe(before + 64);
  });
});
