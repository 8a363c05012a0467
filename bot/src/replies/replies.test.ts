import type { RedPacket, Wallet } from '@liuliang/shared';
import type { CommandKind, Lang } from '../commands/command';
import { ServiceError, type ServiceErrorCode } from '../service/errors';
import {
  balanceSentPrivatelyText,
  balanceText,
  bindFirstText,
  helpText,
  newMembersWelcomeText,
  packetAnnouncementText,
  parseErrorText,
  passphraseNeededText,
  welcomeText,
} from './commands';
import { formatDay, maskPhone, unitNote } from './format';
import { grabSummaryText, packetExpiredText, packetFinishedText } from './live';
import { serviceErrorText } from './service-errors';

const errorOf = (code: ServiceErrorCode, status = 409, message = ''): ServiceError => new ServiceError(code, status, message);

describe('serviceErrorText', () => {
  it.each<[ServiceErrorCode, CommandKind, Lang, string]>([
    ['INSUFFICIENT_BALANCE', 'give', 'zh', '余额不足。发送「余额」看看还有多少。'],
    ['INSUFFICIENT_BALANCE', 'hongbao', 'en', 'Not enough data in your wallet. Send /balance to check.'],
    ['SOLD_OUT', 'grab', 'zh', '手慢了，红包已经被抢完了。'],
    ['SOLD_OUT', 'grab', 'en', 'Too late: the red packet is all gone.'],
    ['ALREADY_GRABBED', 'grab', 'zh', '你已经抢过这个红包了。'],
    ['EXPIRED', 'grab', 'zh', '红包已经过期了。'],
    ['NOT_IN_ROOM', 'grab', 'zh', '你还不在这个群的成员名单里，稍后再试。'],
    ['NOT_FOUND', 'grab', 'zh', '现在没有可以抢的红包。'],
    ['SELF_GIFT', 'give', 'zh', '不能转赠给自己哦。'],
    ['CODE_INVALID', 'bind-code', 'zh', '验证码不对，请核对短信后重新发送：绑定 验证码'],
    ['CODE_EXPIRED', 'bind-code', 'zh', '验证码已过期，请重新发送：绑定 手机号'],
    ['CODE_TOO_MANY_TRIES', 'bind-code', 'en', 'Too many wrong codes; send /bind <phone> for a new one.'],
    ['RATE_LIMITED', 'bind-phone', 'zh', '验证码发得太频繁了，请 1 分钟后再试。'],
    ['RATE_LIMITED', 'give', 'zh', '操作太频繁了，请稍后再试。'],
    ['PLAN_INSUFFICIENT', 'bank', 'zh', '本月套餐剩下的流量不够转存这么多。'],
    ['CARRIER_UNAVAILABLE', 'bank', 'zh', '运营商暂时无法处理，请稍后再试。'],
    ['IDEMPOTENCY_IN_FLIGHT', 'give', 'zh', '上一条还在处理中，请稍等。'],
    ['CONTACT_NOT_BOUND', 'balance', 'zh', bindFirstText('zh')],
    ['INTERNAL', 'balance', 'zh', '服务开小差了，请稍后再试。'],
    ['SERVICE_UNREACHABLE', 'give', 'en', 'The service is having trouble; please try again later.'],
    ['BAD_RESPONSE', 'grab', 'zh', '服务开小差了，请稍后再试。'],
    ['UNAUTHENTICATED', 'balance', 'zh', '服务开小差了，请稍后再试。'],
    ['QUOTA_EXCEEDED', 'draw', 'zh', '超出了你本月的领取额度。'],
    ['INSUFFICIENT_POOL', 'draw', 'en', 'The family pool does not hold that much; ask the owner to fund it.'],
    ['GROUP_CLOSED', 'draw', 'zh', '这个家庭共享组已经解散了。'],
    ['COUPON_NOT_FOUND', 'redeem', 'zh', '没有这张卡密，请核对后再试。'],
    ['ALREADY_REDEEMED', 'redeem', 'en', 'That coupon has already been redeemed.'],
    ['NOT_YET_VALID', 'redeem', 'zh', '这张卡密还没到可以兑换的时间。'],
    ['EXPIRED', 'redeem', 'zh', '这张卡密已经过期了。'],
    ['RATE_LIMITED', 'redeem', 'zh', '卡密输错太多次了，请稍后再试。'],
  ])('answers %s after %s in %s', (code, command, lang, text) => {
    expect(serviceErrorText(errorOf(code), command, lang)).toBe(text);
  });

  it('says what is left of the quota and of the pool when the service tells it', () => {
    const quota = new ServiceError('QUOTA_EXCEEDED', 422, '', { quotaMb: 300, drawnThisMonthMb: 250, remainingMb: 50 });
    expect(serviceErrorText(quota, 'draw', 'zh')).toBe('超出了你本月的领取额度，本月还能领 50 MB。');
    expect(serviceErrorText(quota, 'draw', 'en')).toBe('That is more than your monthly quota allows; 50 MB left this month.');
    expect(serviceErrorText(new ServiceError('INSUFFICIENT_POOL', 422, '', { poolMb: 1536 }), 'draw', 'zh')).toBe('家庭流量池只剩 1.5 GB，请户主先充值。');
    expect(serviceErrorText(new ServiceError('LIMIT_EXCEEDED', 422, '', { rule: 'share-group.members', limit: 10 }), 'draw', 'en')).toBe(
      'A family share group has at most 10 members, the owner included.',
    );
  });

  it('words a limit for the command that hit it; only an English answer quotes the service\'s (English) reason', () => {
    expect(serviceErrorText(errorOf('LIMIT_EXCEEDED', 422, 'at most 3 gifts a day'), 'give', 'zh')).toBe('超出了转赠限额（单笔金额或每天、每周、每月次数）。');
    expect(serviceErrorText(errorOf('LIMIT_EXCEEDED', 422, 'at most 3 gifts a day'), 'give', 'en')).toBe(
      'That is over a gift limit (the amount, or gifts per day, week or month) (at most 3 gifts a day)',
    );
    expect(serviceErrorText(errorOf('LIMIT_EXCEEDED', 422), 'bank', 'zh')).toBe('超出了转存限额（单笔最少金额或本月转存上限）。');
  });

  it.each<[CommandKind, string]>([
    ['give', '转赠没有成功：请检查手机号、流量数量，留言不能有换行或看不见的字符。'],
    ['hongbao', '红包没有发出：请检查总额、个数，口令不能有换行或看不见的字符。'],
    ['grab', '口令里有看不见的字符，请直接打出口令。'],
    ['bind-phone', '手机号或验证码的格式不对，请重新发送。'],
    ['bank', '这个请求不符合规则，请检查后再试。'],
  ])('words a refused %s in Chinese with no English fragment of the service\'s message', (command, text) => {
    const answer = serviceErrorText(errorOf('VALIDATION_FAILED', 400, 'body.message: contains U+202E'), command, 'zh');
    expect(answer).toBe(text);
    expect(answer).not.toMatch(/[A-Za-z]/);
  });

  it('keeps every Chinese answer free of English, whatever the service said', () => {
    const codes: ServiceErrorCode[] = ['INSUFFICIENT_BALANCE', 'LIMIT_EXCEEDED', 'VALIDATION_FAILED', 'RATE_LIMITED', 'SOLD_OUT', 'NOT_FOUND', 'INTERNAL', 'WRONG_PASSPHRASE', 'NOT_IN_ROOM'];
    for (const code of codes) {
      for (const command of ['give', 'grab', 'hongbao', 'bank', 'balance'] as CommandKind[]) {
        expect(serviceErrorText(errorOf(code, 422, 'Some English words from the service'), command, 'zh')).not.toMatch(/[A-Za-z]/);
      }
    }
  });

  it.each([
    [{ rule: 'gift.daily', limit: 3 }, 'zh', '每天最多转赠 3 次，明天再来吧。'],
    [{ rule: 'gift.min', limit: 10 }, 'en', 'A gift is at least 10 MB.'],
    [{ rule: 'deposit.monthly', limit: 10240, remainingMb: 512 }, 'zh', '每月最多转存 10 GB，本月还能转存 512 MB。'],
    [{ rule: 'red-packet.total', limit: 102400 }, 'en', 'A red packet holds at most 100 GB.'],
  ] as const)('words a limit from the rule and limit the service sent: %o in %s', (details, lang, expected) => {
    expect(serviceErrorText(new ServiceError('LIMIT_EXCEEDED', 422, 'English text the bot must not need', details), 'give', lang)).toBe(expected);
  });

  it('falls back to the command\'s limits for a rule it does not know', () => {
    expect(serviceErrorText(new ServiceError('LIMIT_EXCEEDED', 422, '', { rule: 'gift.hourly', limit: 1 }), 'give', 'en')).toBe(
      'That is over a gift limit (the amount, or gifts per day, week or month)',
    );
  });

  it('leaves out a long service message rather than pasting it into the chat', () => {
    expect(serviceErrorText(errorOf('VALIDATION_FAILED', 400, 'x'.repeat(200)), 'give', 'en')).toBe('That request breaks a rule.');
  });
});

describe('parseErrorText', () => {
  it('explains a fractional amount and suggests a whole one, with the usage', () => {
    expect(parseErrorText({ code: 'AMOUNT_FRACTIONAL', command: 'give', input: '1.3G', suggestionMb: 1331 }, 'zh')).toBe(
      '「1.3G」不是整数 MB（1 GB = 1024 MB），试试 1331M。\n用法：转赠 @好友 100M 留言（也可以写手机号）',
    );
  });

  it('points an unknown command to help, without a usage line', () => {
    expect(parseErrorText({ code: 'UNKNOWN_COMMAND', command: null, input: '/foo' }, 'en')).toBe(`I don't know "/foo". Send /help to see what I can do.`);
  });

  it('gives the equal packet its own usage', () => {
    expect(parseErrorText({ code: 'COUNT_MISSING', command: 'hongbao-equal' }, 'zh')).toBe('请写上红包个数。\n用法：普通红包 每个金额 个数 [口令]，例如 普通红包 10M 5');
  });
});

describe('reply texts', () => {
  it('shows the balance and what expires soon, with the earliest day in Shanghai time', () => {
    const wallet: Wallet = {
      balanceMb: 1536,
      lots: [
        { amountMb: 1024, expiresAt: '2025-09-30T15:59:59.999Z' },
        { amountMb: 512, expiresAt: '2025-06-30T15:59:59.999Z' },
      ],
      expiringSoonMb: 512,
    };
    expect(balanceText(wallet, 'zh')).toBe('余额：1.5 GB\n其中 512 MB 即将过期，最早 6月30日 到期。发个红包分给大家吧～');
    expect(balanceText({ balanceMb: 0, lots: [], expiringSoonMb: 0 }, 'en')).toBe('Balance: 0 MB');
  });

  it('says which bare number it took as MB', () => {
    expect(unitNote([{ amountMb: 100, unitAssumed: true }], 'zh')).toBe('\n（没写单位，按 100 MB 算）');
    expect(unitNote([{ amountMb: 100, unitAssumed: false }], 'zh')).toBe('');
  });

  it('masks phone numbers shown in a group', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
  });

  it('announces a packet with how to grab it', () => {
    const packet: RedPacket = {
      id: 'p1',
      mode: 'equal',
      status: 'open',
      senderId: 'u1',
      senderNickname: '小明',
      greeting: null,
      hasPassphrase: true,
      roomId: 'r@chatroom',
      count: 5,
      totalMb: 50,
      remainingCount: 5,
      remainingMb: 50,
      expiresAt: '2025-01-02T00:00:00.000Z',
      grabs: [],
      luckiest: null,
    };
    expect(packetAnnouncementText(packet, '芝麻开门', 'zh')).toBe('🧧 小明 发了一个普通红包：每个 10 MB，共 5 个\n口令红包：发送口令「芝麻开门」领取！');
    expect(packetAnnouncementText({ ...packet, mode: 'random', greeting: '新年快乐', totalMb: 1024 }, undefined, 'zh')).toBe(
      '🧧 小明 发了一个拼手气红包：共 1 GB，5 个\n「新年快乐」\n发送「抢」领取！',
    );
  });

  it('sums up grabs in one line', () => {
    const named = [
      { userId: 'a', nickname: '小红', amountMb: 23 },
      { userId: 'b', nickname: '小刚', amountMb: 5 },
    ];
    expect(grabSummaryText({ named: named.slice(0, 1), unnamedCount: 0, remainingCount: 5 }, 'zh')).toBe('小红 抢到 23 MB，还剩 5 个');
    expect(grabSummaryText({ named, unnamedCount: 3, remainingCount: 0 }, 'zh')).toBe('小红 抢到 23 MB，小刚 抢到 5 MB 等 5 人，已抢完');
    expect(grabSummaryText({ named, unnamedCount: 3, remainingCount: 2 }, 'en')).toBe('小红 got 23 MB, 小刚 got 5 MB and 3 more; 2 left');
  });

  it('names the luckiest grabber when a packet is finished, and the refund when it expires', () => {
    const facts = { senderNickname: '小明', count: 10, totalMb: 1024 };
    expect(packetFinishedText(facts, { userId: 'a', nickname: '小红', amountMb: 300 }, 'zh')).toBe(
      '🧧 小明 的红包已被抢完（10 个，共 1 GB）\n手气最佳：小红，300 MB',
    );
    expect(packetExpiredText(facts, 200, 'zh')).toBe('🧧 小明 的红包已过期，没抢完的 200 MB 已退回。');
  });

  it('lists every command in the help, in both languages', () => {
    expect(helpText('zh')).toContain('普通红包 每个金额 个数');
    expect(helpText('en')).toContain('/hongbao-equal');
  });
});

describe('formatDay', () => {
  it('uses the calendar day in Shanghai, not in UTC', () => {
    // 16:30 UTC on the 31st is already 00:30 on the 1st in Shanghai.
    expect(formatDay('2025-08-31T16:30:00.000Z', 'zh')).toBe('9月1日');
    expect(formatDay('2025-08-31T16:30:00.000Z', 'en')).toBe('Sep 1');
  });
});

describe('the replies of issue 16, in both languages', () => {
  it('corrects a near-miss command word', () => {
    expect(parseErrorText({ code: 'DID_YOU_MEAN', command: 'give', input: '转增' }, 'zh')).toBe('你是想说「转赠」吗？\n用法：转赠 @好友 100M 留言（也可以写手机号）');
    expect(parseErrorText({ code: 'DID_YOU_MEAN', command: 'balance', input: '余量' }, 'en')).toBe('Did you mean /balance?\nUsage: /balance');
  });

  it('welcomes a hello in a direct chat, then lists the commands', () => {
    expect(welcomeText('zh')).toMatch(/^你好！我是流量小助手/);
    expect(welcomeText('zh')).toContain(helpText('zh'));
    expect(welcomeText('en')).toMatch(/^Hello! I am the Liuliang bot/);
    expect(welcomeText('en')).toContain(helpText('en'));
  });

  it('welcomes new room members by name, in one message', () => {
    expect(newMembersWelcomeText(['小红', '小刚'])).toBe('欢迎 小红、小刚 ！群里有人发流量红包时，发送「抢」就能领取；私聊我「绑定 手机号」先绑定一下吧。');
    expect(newMembersWelcomeText([])).toMatch(/^欢迎新朋友！/);
  });

  it('says in the room that a balance went to the private chat', () => {
    expect(balanceSentPrivatelyText('zh')).toBe('余额已私聊发给你了，请查看和我的私聊。');
    expect(balanceSentPrivatelyText('en')).toBe('I sent your balance in a private chat.');
  });

  it('explains how to grab when only a passphrase packet is open', () => {
    expect(passphraseNeededText(['芝麻开门'], 'zh')).toBe('现在只有口令红包：直接在群里发送口令「芝麻开门」就能抢，不用说「抢」。');
    expect(passphraseNeededText(['open sesame'], 'en')).toBe('Only a passphrase packet is open: say "open sesame" in the room to grab it (no need for "grab").');
    expect(passphraseNeededText([], 'zh')).toBe('现在只有口令红包：直接在群里说出口令就能抢。');
    expect(passphraseNeededText([], 'en')).toBe('Only passphrase packets are open: say the passphrase in the room to grab.');
  });
});
