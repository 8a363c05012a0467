import type { ParsedAmount } from './amount';
import type { Command, ParseError, ParseOutcome } from './command';
import { couponCodeOf } from '@liuliang/shared';
import { parseCommand, type ParseContext } from './parse';

const room: ParseContext = { addressed: false };
const addressed: ParseContext = { addressed: true };
const withMentions = (...mentionNames: string[]): ParseContext => ({ addressed: false, mentionNames });

const mb = (amountMb: number): ParsedAmount => ({ amountMb, unitAssumed: false });
const bareMb = (amountMb: number): ParsedAmount => ({ amountMb, unitAssumed: true });
const zh = (command: Command): ParseOutcome => ({ kind: 'command', lang: 'zh', command });
const en = (command: Command): ParseOutcome => ({ kind: 'command', lang: 'en', command });
const zhError = (error: ParseError): ParseOutcome => ({ kind: 'error', lang: 'zh', error });
const enError = (error: ParseError): ParseOutcome => ({ kind: 'error', lang: 'en', error });
const none: ParseOutcome = { kind: 'none' };

const GIVE_MESSAGE_61 = '祝'.repeat(61);
const PASSPHRASE_33 = '口'.repeat(33);

type Row = [string, ParseContext, ParseOutcome];

describe('parseCommand: near misses, greetings, traditional characters (issue 16)', () => {
  it.each([
    ['转增 @小红 100M', 'give', '转增'],
    ['转增', 'give', '转增'],
    ['余量', 'balance', '余量'],
    ['红苞 1G 5', 'hongbao', '红苞'],
  ])('hints at the command meant by %s', (text, command, input) => {
    expect(parseCommand(text, room)).toEqual({ kind: 'error', lang: 'zh', error: { code: 'DID_YOU_MEAN', command, input } });
  });

  it.each([
    ['余額', { kind: 'balance' }],
    ['餘額', { kind: 'balance' }],
    ['搶', { kind: 'grab' }],
  ])('understands %s, typed in traditional characters, and answers in Chinese', (text, command) => {
    expect(parseCommand(text, room)).toEqual({ kind: 'command', lang: 'zh', command });
  });

  it('answers 红包 said alone with how to send one', () => {
    expect(parseCommand('红包', room)).toEqual({ kind: 'error', lang: 'zh', error: { code: 'AMOUNT_MISSING', command: 'hongbao' } });
    expect(parseCommand('红包 来了', room)).toEqual({ kind: 'none' });
  });

  it('welcomes a hello in a direct chat, in its language, and leaves it alone in a room', () => {
    expect(parseCommand('你好', { addressed: true, direct: true })).toEqual({ kind: 'command', lang: 'zh', command: { kind: 'welcome' } });
    expect(parseCommand('你好！', { addressed: true, direct: true })).toEqual({ kind: 'command', lang: 'zh', command: { kind: 'welcome' } });
    expect(parseCommand('Hello', { addressed: true, direct: true })).toEqual({ kind: 'command', lang: 'en', command: { kind: 'welcome' } });
    expect(parseCommand('你好', room)).toEqual({ kind: 'none' });
  });

  it('takes punctuation off the ends of a passphrase set in a command', () => {
    expect(parseCommand('红包 1G 5 芝麻开门！', room)).toMatchObject({ kind: 'command', command: { passphrase: '芝麻开门' } });
  });
});

describe('parseCommand', () => {
  const help: Row[] = [
    ['/help', room, en({ kind: 'help' })],
    ['/HELP', room, en({ kind: 'help' })],
    ['帮助', room, zh({ kind: 'help' })],
    ['/帮助', room, zh({ kind: 'help' })],
    ['help', addressed, en({ kind: 'help' })],
    ['help', room, none],
    ['帮助 一下', room, none],
    ['/help me', room, en({ kind: 'help' })],
  ];

  const bind: Row[] = [
    ['/bind 13800138000', room, en({ kind: 'bind-phone', phone: '13800138000' })],
    ['绑定 13800138000', room, zh({ kind: 'bind-phone', phone: '13800138000' })],
    ['绑定13800138000', room, zh({ kind: 'bind-phone', phone: '13800138000' })],
    ['绑定 138 0013 8000', room, zh({ kind: 'bind-phone', phone: '13800138000' })],
    ['/bind +86 138-0013-8000', room, en({ kind: 'bind-phone', phone: '13800138000' })],
    ['绑定 123456', room, zh({ kind: 'bind-code', code: '123456' })],
    ['/bind 654321', room, en({ kind: 'bind-code', code: '654321' })],
    ['bind 123456', addressed, en({ kind: 'bind-code', code: '123456' })],
    ['bind 123456', room, none],
    ['绑定 12345', room, zhError({ code: 'BIND_ARGUMENT_INVALID', command: 'bind', input: '12345' })],
    ['绑定 12800138000', room, zhError({ code: 'BIND_ARGUMENT_INVALID', command: 'bind', input: '12800138000' })],
    ['/bind', room, enError({ code: 'BIND_ARGUMENT_MISSING', command: 'bind' })],
    ['绑定', room, none],
    ['绑定 微信', room, none],
    ['绑定 微信', addressed, zhError({ code: 'BIND_ARGUMENT_INVALID', command: 'bind', input: '微信' })],
  ];

  const balance: Row[] = [
    ['/balance', room, en({ kind: 'balance' })],
    ['/bal', room, en({ kind: 'balance' })],
    ['余额', room, zh({ kind: 'balance' })],
    ['查余额', room, zh({ kind: 'balance' })],
    ['  余额  ', room, zh({ kind: 'balance' })],
    ['balance', addressed, en({ kind: 'balance' })],
    ['balance', room, none],
    ['余额 不够了', room, none],
    ['余额宝真好用', room, none],
  ];

  const give: Row[] = [
    ['转赠 @小红 100M 生日快乐', withMentions('小红'), zh({ kind: 'give', recipient: { kind: 'mention', name: '小红' }, amount: mb(100), message: '生日快乐' })],
    ['/give @小红 100MB', withMentions('小红'), en({ kind: 'give', recipient: { kind: 'mention', name: '小红' }, amount: mb(100) })],
    ['转赠 @小红\u2005100M', withMentions('小红'), zh({ kind: 'give', recipient: { kind: 'mention', name: '小红' }, amount: mb(100) })],
    ['/give @Anna Lee 1.5G happy birthday', withMentions('Anna Lee'), en({ kind: 'give', recipient: { kind: 'mention', name: 'Anna Lee' }, amount: mb(1536), message: 'happy birthday' })],
    ['转赠 100M 给 @小红', withMentions('小红'), zh({ kind: 'give', recipient: { kind: 'mention', name: '小红' }, amount: mb(100) })],
    ['转赠 @小红 100', withMentions('小红'), zh({ kind: 'give', recipient: { kind: 'mention', name: '小红' }, amount: bareMb(100) })],
    ['转赠 13800138000 1G', room, zh({ kind: 'give', recipient: { kind: 'phone', phone: '13800138000' }, amount: mb(1024) })],
    ['赠送 @小刚 2gb 还你的', withMentions('小刚'), zh({ kind: 'give', recipient: { kind: 'mention', name: '小刚' }, amount: mb(2048), message: '还你的' })],
    ['give @bob 10M', addressed, en({ kind: 'give', recipient: { kind: 'mention', name: 'bob' }, amount: mb(10) })],
    ['转赠 小红 100M', room, zhError({ code: 'RECIPIENT_MISSING', command: 'give', input: '小红' })],
    ['转赠 100M', room, zhError({ code: 'RECIPIENT_MISSING', command: 'give' })],
    ['/give', room, enError({ code: 'RECIPIENT_MISSING', command: 'give' })],
    ['转赠 @小红', withMentions('小红'), zhError({ code: 'AMOUNT_MISSING', command: 'give' })],
    ['转赠 @小红 很多', withMentions('小红'), zhError({ code: 'AMOUNT_INVALID', command: 'give', input: '很多' })],
    ['转赠 @小红 1.3G', withMentions('小红'), zhError({ code: 'AMOUNT_FRACTIONAL', command: 'give', input: '1.3G', suggestionMb: 1331 })],
    ['转赠 @小红 0M', withMentions('小红'), zhError({ code: 'AMOUNT_ZERO', command: 'give', input: '0M' })],
    ['转赠 @小红 -100M', withMentions('小红'), zhError({ code: 'AMOUNT_NEGATIVE', command: 'give', input: '-100M' })],
    [`转赠 @小红 100M ${GIVE_MESSAGE_61}`, withMentions('小红'), zhError({ code: 'MESSAGE_TOO_LONG', command: 'give' })],
    ['转赠 是美德', room, none],
  ];

  const hongbao: Row[] = [
    ['红包 1G 10 恭喜发财', room, zh({ kind: 'hongbao', mode: 'random', total: mb(1024), count: 10, passphrase: '恭喜发财' })],
    ['红包 1G 10', room, zh({ kind: 'hongbao', mode: 'random', total: mb(1024), count: 10 })],
    ['红包1G 10', room, zh({ kind: 'hongbao', mode: 'random', total: mb(1024), count: 10 })],
    ['发红包 500M 5个', room, zh({ kind: 'hongbao', mode: 'random', total: mb(500), count: 5 })],
    ['/hongbao 100 10', room, en({ kind: 'hongbao', mode: 'random', total: bareMb(100), count: 10 })],
    ['/hb 1.5GB 3 open sesame', room, en({ kind: 'hongbao', mode: 'random', total: mb(1536), count: 3, passphrase: 'open sesame' })],
    ['普通红包 10M 5', room, zh({ kind: 'hongbao', mode: 'equal', perShare: mb(10), count: 5 })],
    ['/hongbao-equal 20M 4 芝麻开门', room, en({ kind: 'hongbao', mode: 'equal', perShare: mb(20), count: 4, passphrase: '芝麻开门' })],
    ['/hbe 1G 2', room, en({ kind: 'hongbao', mode: 'equal', perShare: mb(1024), count: 2 })],
    ['红包 1G 200', room, zh({ kind: 'hongbao', mode: 'random', total: mb(1024), count: 200 })],
    ['红包 1G', room, zhError({ code: 'COUNT_MISSING', command: 'hongbao' })],
    ['红包 1G 0', room, zhError({ code: 'COUNT_OUT_OF_RANGE', command: 'hongbao', input: '0' })],
    ['红包 1G 201', room, zhError({ code: 'COUNT_OUT_OF_RANGE', command: 'hongbao', input: '201' })],
    ['红包 1G 10M', room, zhError({ code: 'COUNT_INVALID', command: 'hongbao', input: '10M' })],
    ['红包 1G 2.5', room, zhError({ code: 'COUNT_INVALID', command: 'hongbao', input: '2.5' })],
    ['普通红包 0.5M 5', room, zhError({ code: 'AMOUNT_FRACTIONAL', command: 'hongbao-equal', input: '0.5M' })],
    ['/hongbao', room, enError({ code: 'AMOUNT_MISSING', command: 'hongbao' })],
    ['红包 1G 10 抢', room, zhError({ code: 'PASSPHRASE_IS_COMMAND', command: 'hongbao', input: '抢' })],
    ['红包 1G 10 余额', room, zhError({ code: 'PASSPHRASE_IS_COMMAND', command: 'hongbao', input: '余额' })],
    [`红包 1G 10 ${PASSPHRASE_33}`, room, zhError({ code: 'PASSPHRASE_TOO_LONG', command: 'hongbao' })],
    ['红包 来了', room, none],
    ['红包 来了', addressed, zhError({ code: 'AMOUNT_INVALID', command: 'hongbao', input: '来了' })],
  ];

  const grab: Row[] = [
    ['抢', room, zh({ kind: 'grab' })],
    ['抢红包', room, zh({ kind: 'grab' })],
    ['grab', room, en({ kind: 'grab' })],
    ['GRAB', room, en({ kind: 'grab' })],
    ['/grab', room, en({ kind: 'grab' })],
    ['签到', room, zh({ kind: 'checkin' })],
    ['打卡', room, zh({ kind: 'checkin' })],
    ['/checkin', room, en({ kind: 'checkin' })],
    ['checkin', room, none],
    ['退订', room, zh({ kind: 'unsubscribe' })],
    ['/unsubscribe', room, en({ kind: 'unsubscribe' })],
    ['订阅', room, zh({ kind: 'subscribe' })],
    ['/subscribe', room, en({ kind: 'subscribe' })],
    ['unsubscribe', room, none],
    ['退订 谢谢', room, none],
    ['签到 好累', room, none],
    ['抢 啊', room, none],
    ['抢劫', room, none],
    ['grab a coffee?', room, none],
  ];

  const bank: Row[] = [
    ['/bank 100M', room, en({ kind: 'bank', amount: mb(100) })],
    ['转存 100兆', room, zh({ kind: 'bank', amount: mb(100) })],
    ['转存 1.5GB', room, zh({ kind: 'bank', amount: mb(1536) })],
    ['存流量 200', room, zh({ kind: 'bank', amount: bareMb(200) })],
    ['/bank １００Ｍ', room, en({ kind: 'bank', amount: mb(100) })],
    ['/bank 100M please', room, enError({ code: 'AMOUNT_INVALID', command: 'bank', input: '100M please' })],
    ['/bank -5M', room, enError({ code: 'AMOUNT_NEGATIVE', command: 'bank', input: '-5M' })],
    ['/bank 0G', room, enError({ code: 'AMOUNT_ZERO', command: 'bank', input: '0G' })],
    ['/bank 99999999999G', room, enError({ code: 'AMOUNT_TOO_LARGE', command: 'bank', input: '99999999999G' })],
    ['/bank', room, enError({ code: 'AMOUNT_MISSING', command: 'bank' })],
  ];

  const family: Row[] = [
    ['/family', room, en({ kind: 'family' })],
    ['家庭', room, zh({ kind: 'family' })],
    ['/家庭', room, zh({ kind: 'family' })],
    ['家庭共享', room, zh({ kind: 'family' })],
    ['family', addressed, en({ kind: 'family' })],
    ['family', room, none],
    ['家庭 聚会几点？', room, none],
    ['家庭聚会', room, none],
  ];

  const draw: Row[] = [
    ['/draw 100M', room, en({ kind: 'draw', amount: mb(100) })],
    ['领取 100M', room, zh({ kind: 'draw', amount: mb(100) })],
    ['领取100M', room, zh({ kind: 'draw', amount: mb(100) })],
    ['/领取 1G', room, zh({ kind: 'draw', amount: mb(1024) })],
    ['领取 200', room, zh({ kind: 'draw', amount: bareMb(200) })],
    ['draw 50M', addressed, en({ kind: 'draw', amount: mb(50) })],
    ['draw 50M', room, none],
    ['/draw 100M now', room, enError({ code: 'AMOUNT_INVALID', command: 'draw', input: '100M now' })],
    ['领取 0.5M', room, zhError({ code: 'AMOUNT_FRACTIONAL', command: 'draw', input: '0.5M' })],
    ['/draw', room, enError({ code: 'AMOUNT_MISSING', command: 'draw' })],
    // The packet announcement ends "发送「抢」领取！": a bare 领取 in a room is chat, not a draw,
    // so it can still be said as a packet's passphrase; addressed to the bot it gets the usage.
    ['领取', room, none],
    ['领取红包', room, none],
    ['领取', addressed, zhError({ code: 'AMOUNT_MISSING', command: 'draw' })],
    ['红包 1G 10 领取', room, zh({ kind: 'hongbao', mode: 'random', total: mb(1024), count: 10, passphrase: '领取' })],
    ['红包 1G 10 领取 1G', room, zhError({ code: 'PASSPHRASE_IS_COMMAND', command: 'hongbao', input: '领取 1G' })],
    ['红包 1G 10 家庭', room, zhError({ code: 'PASSPHRASE_IS_COMMAND', command: 'hongbao', input: '家庭' })],
  ];

  const chat: Row[] = [
    ['', room, none],
    ['大家好', room, none],
    ['恭喜发财', room, none],
    ['100M', room, none],
    ['/foo', room, enError({ code: 'UNKNOWN_COMMAND', command: null, input: '/foo' })],
    ['/查询', room, zhError({ code: 'UNKNOWN_COMMAND', command: null, input: '/查询' })],
    ['你好', addressed, zhError({ code: 'UNKNOWN_COMMAND', command: null, input: '你好' })],
    ['hello', addressed, enError({ code: 'UNKNOWN_COMMAND', command: null, input: 'hello' })],
    ['x'.repeat(600), addressed, none],
  ];

  it.each([...help, ...bind, ...balance, ...give, ...hongbao, ...grab, ...bank, ...family, ...draw, ...chat])('reads %j (%j)', (text, context, expected) => {
    expect(parseCommand(text, context)).toEqual(expected);
  });
});

describe('cash-out commands', () => {
  it('reads 提取 and /cashout with one amount, and 确认 alone', () => {
    expect(parseCommand('提取 1G', { addressed: false })).toMatchObject({ kind: 'command', lang: 'zh', command: { kind: 'cashout', amount: { amountMb: 1024 } } });
    expect(parseCommand('/cashout 100M', { addressed: false })).toMatchObject({ kind: 'command', lang: 'en', command: { kind: 'cashout', amount: { amountMb: 100 } } });
    expect(parseCommand('确认', { addressed: false })).toMatchObject({ kind: 'command', command: { kind: 'confirm' } });
    expect(parseCommand('提取 1G 给小明', { addressed: false })).toMatchObject({ kind: 'error', error: { code: 'AMOUNT_INVALID', command: 'cashout' } });
  });
});

describe('parseCommand: redeeming a coupon code', () => {
  const CODE = couponCodeOf('7Q4MZ0RX9KT2WB6N');
  const grouped = `${CODE.slice(0, 4)}-${CODE.slice(4, 8)}-${CODE.slice(8, 12)}-${CODE.slice(12)}`;
  const typo = CODE.slice(0, 16) + (CODE[16] === '0' ? '1' : '0');
  it.each<Row>([
    [`兑换 ${CODE}`, room, zh({ kind: 'redeem', code: CODE })],
    [`兑换码 ${grouped.toLowerCase()}`, room, zh({ kind: 'redeem', code: CODE })],
    [`/redeem ${grouped.replace(/-/g, ' ')}`, room, en({ kind: 'redeem', code: CODE })],
    [`兑换${CODE}`, room, zh({ kind: 'redeem', code: CODE })],
    [`/兑换 ${CODE.replace(/1/g, 'I').replace(/0/g, 'O')}`, room, zh({ kind: 'redeem', code: CODE })],
    [`redeem ${CODE}`, room, none],
    [`redeem ${CODE}`, addressed, en({ kind: 'redeem', code: CODE })],
    ['/redeem', room, enError({ code: 'COUPON_CODE_MISSING', command: 'redeem' })],
    ['兑换 123', room, zhError({ code: 'COUPON_CODE_INVALID', command: 'redeem', input: '123' })],
    [`兑换 ${typo}`, room, zhError({ code: 'COUPON_CODE_MISTYPED', command: 'redeem', input: typo })],
    ['兑换 积分', room, none],
  ])('reads %s', (text, context, expected) => {
    expect(parseCommand(text, context)).toEqual(expected);
  });
});
