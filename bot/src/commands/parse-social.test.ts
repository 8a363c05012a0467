import type { ParsedAmount } from './amount';
import type { Command, ParseError, ParseOutcome } from './command';
import { parseCommand, type ParseContext } from './parse';

const room: ParseContext = { addressed: false };
const withMentions = (...mentionNames: string[]): ParseContext => ({ addressed: false, mentionNames });
const mb = (amountMb: number): ParsedAmount => ({ amountMb, unitAssumed: false });
const zh = (command: Command): ParseOutcome => ({ kind: 'command', lang: 'zh', command });
const en = (command: Command): ParseOutcome => ({ kind: 'command', lang: 'en', command });
const zhError = (error: ParseError): ParseOutcome => ({ kind: 'error', lang: 'zh', error });
const enError = (error: ParseError): ParseOutcome => ({ kind: 'error', lang: 'en', error });
const none: ParseOutcome = { kind: 'none' };
const DAY = 24 * 60 * 60;
const ID = '0a1b2c3d4e5f6g7h8j9kmnpqrs';

describe('parseCommand: tips, crowdfunds and pledges', () => {
  it.each<[string, ParseContext, ParseOutcome]>([
    ['/tip @小红 10M', withMentions('小红'), en({ kind: 'tip', recipient: { kind: 'mention', name: '小红' }, amount: mb(10) })],
    ['/tip @Anna Lee 10M thanks!', withMentions('Anna Lee'), en({ kind: 'tip', recipient: { kind: 'mention', name: 'Anna Lee' }, amount: mb(10), message: 'thanks!' })],
    ['打赏 @小红 1G 谢谢红包', withMentions('小红'), zh({ kind: 'tip', recipient: { kind: 'mention', name: '小红' }, amount: mb(1024), message: '谢谢红包' })],
    ['打赏 10M', room, zhError({ code: 'RECIPIENT_MISSING', command: 'tip', input: '10M' })],
    ['/tip 13800138000 10M', room, enError({ code: 'RECIPIENT_MISSING', command: 'tip', input: '13800138000' })],
    ['打赏 @小红', withMentions('小红'), zhError({ code: 'AMOUNT_MISSING', command: 'tip' })],
    [`打赏 @小红 10M ${'谢'.repeat(61)}`, withMentions('小红'), zhError({ code: 'MESSAGE_TOO_LONG', command: 'tip' })],
    ['打赏 一下', room, none],
    ['/crowdfund 2G 3d new phone', room, en({ kind: 'crowdfund', goal: mb(2048), durationSeconds: 3 * DAY, title: 'new phone' })],
    ['众筹 2G 3天 换新手机', room, zh({ kind: 'crowdfund', goal: mb(2048), durationSeconds: 3 * DAY, title: '换新手机' })],
    ['众筹 500M 12小时换新手机', room, zh({ kind: 'crowdfund', goal: mb(500), durationSeconds: 12 * 3600, title: '换新手机' })],
    ['发起众筹 1G 2周 旅行', room, zh({ kind: 'crowdfund', goal: mb(1024), durationSeconds: 14 * DAY, title: '旅行' })],
    ['/crowdfund 1G 2 days trip', room, en({ kind: 'crowdfund', goal: mb(1024), durationSeconds: 2 * DAY, title: 'trip' })],
    ['众筹 2G', room, zhError({ code: 'DURATION_MISSING', command: 'crowdfund' })],
    ['众筹 2G 3 换新手机', room, zhError({ code: 'DURATION_INVALID', command: 'crowdfund', input: '3' })],
    ['众筹 2G 3天', room, zhError({ code: 'TITLE_MISSING', command: 'crowdfund' })],
    [`众筹 2G 3天 ${'长'.repeat(41)}`, room, zhError({ code: 'TITLE_TOO_LONG', command: 'crowdfund' })],
    ['众筹 很好', room, none],
    [`/pledge ${ID} 100M`, room, en({ kind: 'pledge', crowdfundId: ID, amount: mb(100) })],
    [`支持 ${ID.toUpperCase()} 1G`, room, zh({ kind: 'pledge', crowdfundId: ID, amount: mb(1024) })],
    ['支持 12 100M', room, zhError({ code: 'CROWDFUND_ID_INVALID', command: 'pledge', input: '12' })],
    [`支持 ${ID}`, room, zhError({ code: 'AMOUNT_MISSING', command: 'pledge' })],
    [`支持 ${ID} 100M 加油`, room, zhError({ code: 'AMOUNT_INVALID', command: 'pledge', input: '100M 加油' })],
    ['/pledge', room, enError({ code: 'CROWDFUND_ID_MISSING', command: 'pledge' })],
    ['支持 一下', room, none],
    ['支持你', room, none],
  ])('reads %j', (text, context, expected) => {
    expect(parseCommand(text, context)).toEqual(expected);
  });
});
