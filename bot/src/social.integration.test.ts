import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { eventually } from '../../server/src/test-support/eventually';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { fundWallets } from '../../server/src/test-support/wallets';
import { createBot, quietWechatyLog, type LiuliangBot } from './bot';
import { silentLogger } from './logger';

/**
 * Tips and crowdfunds by chatting, on the mock puppet against the real service: a member tips
 * another by @mention, a crowdfund is started and pledged to until it succeeds; outcomes are
 * checked through the API, and the stack's close() audits the ledger.
 */

type Name = 'xiaoming' | 'xiaohong' | 'xiaogang' | 'stranger';
interface Person {
  contact: mock.ContactMock;
  phone: string;
  userId: string;
}

const ROOM_ID = 'social-room@chatroom';

describe('tips and crowdfunds through the bot', () => {
  let stack: TestStack;
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  let bot: LiuliangBot;
  let botUser: mock.ContactMock;
  let room: mock.RoomMock;
  const people = {} as Record<Name, Person>;
  const roomLines: string[] = [];

  const asBot = (actingContactId?: string) => ({
    headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, ...(actingContactId ? { 'x-acting-contact': actingContactId } : {}) },
  });
  const balance = async (person: Person): Promise<number> => (await stack.client.get('/api/v1/wallet', asBot(person.contact.id))).body.balanceMb;
  const said = (pattern: RegExp) => roomLines.find((line) => pattern.test(line));

  beforeAll(async () => {
    quietWechatyLog('silent');
    stack = await startTestStack();
    bot = createBot({ puppet, serviceUrl: stack.url, botToken: stack.config.BOT_TOKEN, logger: silentLogger, outboxPollIntervalMs: 100 });
    await bot.start();
    botUser = mocker.createContact({ id: 'social-bot', name: '流量小助手' });
    const names = { xiaoming: '小明', xiaohong: '小红', xiaogang: '小刚', stranger: '小陌' } as const;
    Object.entries(names).forEach(([key, name], index) => {
      people[key as Name] = { contact: mocker.createContact({ id: `social-${key}`, name }), phone: `1391000000${index + 1}`, userId: '' };
    });
    room = mocker.createRoom({ id: ROOM_ID, topic: '流量群', memberIdList: [botUser.id, ...Object.values(people).map((p) => p.contact.id)] });
    room.on('message', (message) => {
      if (message.talker().id === botUser.id) roomLines.push(message.text() ?? '');
    });
    mocker.login(botUser);
    // Bound through the API's own binding (the chat binding flow has its tests): sign in, bind the contact.
    for (const name of ['xiaoming', 'xiaohong', 'xiaogang'] as const) {
      const person = people[name];
      await stack.client.post('/api/v1/auth/sms-code', { phone: person.phone });
      const sent = (await stack.client.get(`/api/v1/dev/outbox?to=${person.phone}`)).body.items[0].text as string;
      const bound = await stack.client.post(
        '/api/v1/bot/bindings',
        { contactId: person.contact.id, phone: person.phone, code: /(\d{6})/.exec(sent)![1] },
        { ...asBot(), idempotencyKey: true },
      );
      expect(bound.status).toBe(200);
      person.userId = bound.body.userId;
    }
    await fundWallets(stack.server.deps, [people.xiaoming.userId, people.xiaohong.userId, people.xiaogang.userId], 3000);
  });

  afterAll(async () => {
    await bot?.stop();
    await stack?.close();
  });

  it('tips the member an @mention names, in the language of the command, and refuses a self-tip', async () => {
    const { xiaoming, xiaohong } = people;
    xiaoming.contact.say('打赏 @小红 10M 谢谢红包', [xiaohong.contact]).to(room);
    await eventually('the tip reply', () => said(/已打赏 小红 10 MB 👍\n「谢谢红包」/));
    expect(await balance(xiaohong)).toBe(3010);
    expect(await balance(xiaoming)).toBe(2990);
    const board = await stack.client.get(`/api/v1/tips/leaderboard?type=user&id=${xiaohong.userId}`, asBot(xiaohong.contact.id));
    expect(board.body.items).toMatchObject([{ userId: xiaoming.userId, totalMb: 10, count: 1 }]);

    xiaohong.contact.say('/tip @小明 5M', [xiaoming.contact]).to(room);
    await eventually('the English reply', () => said(/^@?.*Tipped 小明 5 MB 👍/));
    xiaoming.contact.say('打赏 @小明 5M', [xiaoming.contact]).to(room);
    await eventually('the self-tip refusal', () => said(/不能打赏自己哦/));
    people.stranger.contact.say('打赏 @小红 5M', [xiaohong.contact]).to(room);
    await eventually('the bind hint to the stranger', () => said(/你还没有绑定手机号/));
    xiaoming.contact.say('打赏 @小陌 5M', [people.stranger.contact]).to(room);
    await eventually('the unbound member', () => said(/小陌 还没有绑定手机号/));
    expect(await balance(xiaoming)).toBe(2995);
  });

  it('starts a crowdfund that the room pledges to until it succeeds, capping the last pledge', async () => {
    const { xiaoming, xiaohong, xiaogang } = people;
    xiaoming.contact.say('众筹 1G 3天 换新手机').to(room);
    const announcement = await eventually('the crowdfund announcement', () => said(/发起了众筹「换新手机」：目标 1 GB/));
    const crowdfundId = /支持 ([0-9a-z]+) 100M/.exec(announcement)![1];
    const view = (await stack.client.get(`/api/v1/crowdfunds/${crowdfundId}`, asBot())).body;
    expect(view).toMatchObject({ title: '换新手机', goalMb: 1024, status: 'open', creator: { userId: xiaoming.userId } });
    const hoursAhead = (new Date(view.deadline).getTime() - Date.now()) / 3_600_000;
    expect(hoursAhead).toBeGreaterThan(71);
    expect(hoursAhead).toBeLessThanOrEqual(72);

    xiaohong.contact.say(`支持 ${crowdfundId} 600M`).to(room);
    await eventually('the first pledge reply', () => said(/已支持众筹「换新手机」600 MB\n已筹 600 MB \/ 1 GB/));
    xiaogang.contact.say(`/pledge ${crowdfundId.toUpperCase()} 1G`).to(room);
    await eventually('the capped pledge reply', () => said(/Pledged 424 MB to "换新手机" \(only 424 MB was missing, so only that was taken\)\nThe goal of 1 GB is reached/));
    expect(await balance(xiaogang)).toBe(3000 - 424);
    expect(await balance(xiaoming)).toBe(2995 + 1024);
    expect((await stack.client.get(`/api/v1/crowdfunds/${crowdfundId}`, asBot())).body.status).toBe('succeeded');
    xiaohong.contact.say(`支持 ${crowdfundId} 10M`).to(room);
    await eventually('the closed answer', () => said(/这个众筹已经结束了/));
  });

  it('answers misread crowdfund commands with their usage and refuses a deadline beyond the maximum', async () => {
    const { xiaoming } = people;
    xiaoming.contact.say('众筹 2G 3 换新手机').to(room);
    await eventually('the duration hint', () => said(/没看懂期限「3」[^]*用法：众筹 目标 期限 标题/));
    xiaoming.contact.say('/crowdfund 2G 31d trip').to(room);
    await eventually('the duration limit', () => said(/A crowdfund runs at most 30 days\./));
    xiaoming.contact.say('支持 0000000000000000000000000a 10M').to(room);
    await eventually('the unknown crowdfund', () => said(/没有找到这个众筹/));
  });
});
