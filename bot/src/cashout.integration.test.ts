import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { eventually } from '../../server/src/test-support/eventually';
import { addSimSupplier, FAST_CASHOUT } from '../../server/src/test-support/cashout';
import { grantOperator } from '../../server/src/test-support/sponsors';
import { startTestStack, type TestStack } from '../../server/src/test-support/stack';
import { seedUsers } from '../../server/src/test-support/users';
import { fundWallets } from '../../server/src/test-support/wallets';
import { createBot, quietWechatyLog, type LiuliangBot } from './bot';
import { silentLogger } from './logger';

/** `提取 100M` through the chat (SPEC §3.7): the bot asks, 确认 orders once, the number is recharged and the wallet pays once. */
describe('the bot and cash-out', () => {
  let stack: TestStack;
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  let bot: LiuliangBot;
  let botUser: mock.ContactMock;
  let person: mock.ContactMock;
  const phone = '13712345601';
  const lines: string[] = [];
  const said = (pattern: RegExp) => lines.find((line) => pattern.test(line));
  const asBot = { headers: { authorization: '', 'x-acting-contact': 'cash-person' } };

  beforeAll(async () => {
    quietWechatyLog('silent');
    stack = await startTestStack({ ...FAST_CASHOUT, SMS_CODE_RESEND_SECONDS: 0 });
    asBot.headers.authorization = `Bot ${stack.config.BOT_TOKEN}`;
    const [admin] = await seedUsers(stack, 1, '1371234590');
    await grantOperator(stack, admin.phone, 'admin');
    await addSimSupplier(stack.client, stack.sim, stack.simUrl, admin.token, { name: 'botsupplier', behaviour: 'ok', priority: 1 });
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
    botUser = mocker.createContact({ id: 'cash-bot', name: '流量小助手' });
    person = mocker.createContact({ id: 'cash-person', name: '小李' });
    person.on('message', (message) => {
      if (message.talker().id === botUser.id && message.room() === undefined) lines.push(message.text() ?? '');
    });
    // Contacts the bot knows are the ones it shares a room with.
    mocker.createRoom({ id: 'cash-room@chatroom', topic: '提取', memberIdList: [botUser.id, person.id] });
    mocker.login(botUser);
    person.say(`/bind ${phone}`).to(botUser);
    await eventually('the code prompt', () => said(/A code was sent/));
    const outbox = (await stack.client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items as Array<{ channel: string; text: string }>;
    person.say(`/bind ${/(\d{6})/.exec(outbox.find((m) => m.channel === 'sms')!.text)![1]}`).to(botUser);
    await eventually('bound', () => said(/^Bound: /));
    const binding = await stack.client.get('/api/v1/wallet', asBot);
    expect(binding.status).toBe(200);
    const [row] = await stack.server.deps.dataSource.query('SELECT id FROM users WHERE phone = ?', [phone]);
    await fundWallets(stack.server.deps, [String(row.id)], 500);
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await stack?.close();
  });

  it('asks before ordering, orders once on 确认, and the order succeeds', async () => {
    person.say('确认').to(botUser);
    person.say('提取 100M').to(botUser);
    await eventually('the confirmation question', () => said(/将从钱包扣 100 MB，为 137\*\*\*\*5601 充值 100 MB/));
    expect((await stack.client.get('/api/v1/cashout/orders', asBot)).body.items).toHaveLength(0);
    person.say('确认').to(botUser);
    await eventually('the order placed', () => said(/已下单/));
    person.say('确认').to(botUser);
    const order = await eventually('the order to succeed', async () => {
      const orders = (await stack.client.get('/api/v1/cashout/orders', asBot)).body.items;
      return orders[0]?.status === 'succeeded' && orders;
    });
    expect(order).toHaveLength(1);
    expect((await stack.client.get('/api/v1/wallet', asBot)).body.balanceMb).toBe(400);
    person.say('提取 99M').to(botUser);
    await eventually('the packages offered', () => said(/没有 99 MB 的流量包。可选：10 MB、30 MB/));
  });
});
