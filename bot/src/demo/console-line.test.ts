import { mentionedNames, parseConsoleLine } from './console-line';

const names = ['小明', '小红', '小刚', '流量小助手'];

describe('parseConsoleLine', () => {
  it.each([
    ['小红: /balance', { kind: 'say', speaker: '小红', text: '/balance' }],
    ['小红：余额', { kind: 'say', speaker: '小红', text: '余额' }],
    ['余额', { kind: 'say', speaker: null, text: '余额' }],
    ['路人: 你好', { kind: 'say', speaker: null, text: '路人: 你好' }],
    ['.as 小刚', { kind: 'as', name: '小刚' }],
    ['.dm', { kind: 'dm' }],
    ['.room', { kind: 'room' }],
    ['.join 小李', { kind: 'join', name: '小李' }],
    ['.leave 小刚', { kind: 'leave', name: '小刚' }],
    ['.who', { kind: 'who' }],
    ['.quit', { kind: 'quit' }],
    ['.as', { kind: 'unknown', input: '.as' }],
    ['   ', { kind: 'empty' }],
  ])('reads %j', (line, action) => {
    expect(parseConsoleLine(line, names)).toEqual(action);
  });
});

describe('mentionedNames', () => {
  it('finds the known people mentioned, and only whole names', () => {
    expect(mentionedNames('@流量小助手 转赠 @小红 100M', names)).toEqual(['小红', '流量小助手']);
    expect(mentionedNames('@小红花 你好', names)).toEqual([]);
  });
});
