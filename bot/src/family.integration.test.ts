import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { signIn } from '../../server/src/test-support/http-client';
import { eventually } from '../../server/src/test-support/eventually';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { createBot, quietWechatyLog, type LiuliangBot } from './bot';
import { silentLogger } from './logger';

/**
 * Family share groups through the chat: a mother funds the group in the app, her son and
 * daughter ask the bot for the group and draw from it, each answered in the language of the
 * command; every outcome is checked through the API, and close() audits the ledger.
 */

type ContactMock = mock.ContactMock;
type Name = 'mom' | 'son' | 'daughter' | 'loner';
interface Person {
  contact: ContactMock;
  phone: string;
}

const ROOM_ID = 'family-room@chatroom';

describe('the bot and family share groups', () => {
  let stack: TestStack;
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  let bot: LiuliangBot;
  let botUser: ContactMock;
  let room: mock.RoomMock;
  const people = {} as Record<Name, Person>;
  const roomLines: string[] = [];
  const privateLines = new Map<string, string[]>();
  let groupId: string;
  let momToken: string;

  const asBot = (contactId: string) => ({ headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-contact': contactId } });
  const balance = async (person: Person): Promise<number> => (await stack.client.get('/api/v1/wallet', asBot(person.contact.id))).body.balanceMb;
  const privately = (name: Name) => privateLines.get(people[name].contact.id) ?? [];
  const said = (lines: readonly string[], pattern: RegExp) => lines.find((line) => pattern.test(line));

  async function bindByChat(name: Name): Promise<void> {
    const person = people[name];
    person.contact.say(`/bind ${person.phone}`).to(botUser);
    await eventually(`the code prompt for ${name}`, () => said(privately(name), /A code was sent/));
    const outbox = (await stack.client.get(`/api/v1/dev/outbox?to=${person.phone}`)).body.items as Array<{ channel: string; text: string }>;
    const code = /(\d{6})/.exec(outbox.find((m) => m.channel === 'sms' && /验证码/.test(m.text))!.text)![1];
    person.contact.say(`/bind ${code}`).to(botUser);
    await eventually(`${name} bound`, () => said(privately(name), /^Bound: /));
  }

  beforeAll(async () => {
    quietWechatyLog('silent');
    // The mother binds the bot and signs in to the app with the same number, back to back.
    stack = await startTestStack({ SMS_CODE_RESEND_SECONDS: 0 });
    bot = createBot({
      puppet,
      serviceUrl: stack.url,
      botToken: stack.config.BOT_TOKEN,
      logger: silentLogger,
      outboxPollIntervalMs: 200,
      outboxBatchSize: 5,
      summaryIntervalMs: 100,
    });
    await bot.start();
    botUser = mocker.createContact({ id: 'fam-bot', name: '流量小助手' });
    const names = { mom: '妈妈', son: '儿子', daughter: '女儿', loner: '路人' } as const;
    Object.entries(names).forEach(([key, name], index) => {
      const contact = mocker.createContact({ id: `fam-${key}`, name });
      people[key as Name] = { contact, phone: `1371234000${index + 1}` };
      privateLines.set(contact.id, []);
      contact.on('message', (message) => {
        if (message.talker().id === botUser.id && message.room() === undefined) privateLines.get(contact.id)!.push(message.text() ?? '');
      });
    });
    room = mocker.createRoom({ id: ROOM_ID, topic: '相亲相爱一家人', memberIdList: [botUser.id, ...Object.values(people).map((p) => p.contact.id)] });
    room.on('message', (message) => {
      if (message.talker().id === botUser.id) roomLines.push(message.text() ?? '');
    });
    mocker.login(botUser);
    for (const name of ['mom', 'son', 'loner'] as const) await bindByChat(name);

    // The mother sets the group up in the app; the daughter has not signed up anywhere yet.
    await stack.sim.setPlan({ phone: people.mom.phone, totalMb: 10240, usedMb: 0 });
    momToken = (await signIn(stack.client, people.mom.phone)).token;
    await stack.client.post('/api/v1/storage/deposits', { amountMb: 2000 }, { token: momToken, idempotencyKey: true });
    groupId = (await stack.client.post('/api/v1/share-groups', { name: '我们家', monthlyQuotaMb: 300 }, { token: momToken, idempotencyKey: true })).body.id;
    await stack.client.post(`/api/v1/share-groups/${groupId}/fund`, { amountMb: 1000 }, { token: momToken, idempotencyKey: true });
    for (const name of ['son', 'daughter'] as const) await stack.client.post(`/api/v1/share-groups/${groupId}/members`, { phone: people[name].phone }, { token: momToken });
  });

  afterAll(async () => {
    await bot?.stop();
    await stack?.close();
  });

  it('shows the speaker their family group, in the language they asked in', async () => {
    people.son.contact.say('家庭').to(room);
    const zh = await eventually('the group in Chinese', () => said(roomLines, /@儿子.*家庭共享「我们家」/s));
    expect(zh).toContain('流量池：1000 MB；每人每月可领 300 MB');
    // Binding gave each their chat name as nickname (issue 16: the same name everywhere).
    expect(zh).toMatch(/· 妈妈（户主）：本月已领 0 MB/);
    expect(zh).toMatch(/· 儿子（你）：本月已领 0 MB/);
    expect(zh).toContain('· 137****0003：等待登录加入');

    people.son.contact.say('/family').to(botUser);
    const en = await eventually('the group in English', () => said(privately('son'), /Family share group "我们家"/));
    expect(en).toContain('Pool: 1000 MB; each member may draw 300 MB a month');
    expect(en).toMatch(/\(you\): drew 0 MB this month/);
  });

  it('draws with 领取 and /draw, within the quota and the pool, and says what is left', async () => {
    people.son.contact.say('领取 100M').to(room);
    const zh = await eventually('the draw in Chinese', () => said(roomLines, /@儿子.*已从家庭共享「我们家」领取 100 MB/s));
    expect(zh).toContain('本月还能领 200 MB，流量池还剩 900 MB。');
    expect(await balance(people.son)).toBe(100);

    people.son.contact.say('/draw 150M').to(botUser);
    const en = await eventually('the draw in English', () => said(privately('son'), /^Took 150 MB from "我们家"/));
    expect(en).toContain('50 MB left for you this month, 750 MB left in the pool.');
    expect(await balance(people.son)).toBe(250);

    people.son.contact.say('领取 100M').to(room);
    await eventually('the quota refusal', () => said(roomLines, /@儿子.*超出了你本月的领取额度，本月还能领 50 MB。/s));
    expect(await balance(people.son)).toBe(250);
  });

  it('tells someone outside any group how to get into one, and draws nothing', async () => {
    people.loner.contact.say('领取 100M').to(room);
    await eventually('the hint', () => said(roomLines, /@路人.*你还没有加入家庭共享/s));
    expect(await balance(people.loner)).toBe(0);
    // A bare 领取 is chat (it may be a red packet's passphrase): the bot says nothing to it.
    const before = roomLines.length;
    people.loner.contact.say('领取').to(room);
    people.loner.contact.say('家庭').to(room);
    await eventually('the answer to 家庭', () => roomLines.length > before && said(roomLines.slice(before), /@路人.*你还没有加入家庭共享/s));
    expect(roomLines.slice(before)).toHaveLength(1);
  });

  it('lets a pending member draw once they sign in, and names the pool running dry', async () => {
    const daughter = await signIn(stack.client, people.daughter.phone);
    await bindByChat('daughter');
    expect(daughter.userId).toBeTruthy();
    await stack.client.post(`/api/v1/share-groups/${groupId}/reclaim`, { amountMb: 600 }, { token: momToken, idempotencyKey: true });
    people.daughter.contact.say('领取 200M').to(room);
    await eventually('the pool refusal', () => said(roomLines, /@女儿.*家庭流量池只剩 150 MB，请户主先充值。/s));
    people.daughter.contact.say('领取 150M').to(room);
    await eventually('the draw', () => said(roomLines, /@女儿.*领取 150 MB 🎉\n本月还能领 150 MB，流量池还剩 0 MB。/s));
    expect(await balance(people.daughter)).toBe(150);
  });
});
