import { activityVariableWidths, checkTemplate, parseTemplate, renderTemplate, signedActivitySms, smsSegments, type TemplateValues } from './message-templates';

const values: TemplateValues = {
  nickname: '小明',
  amountMb: 1536,
  activity: '每日签到',
  sponsor: '山河电器',
  balanceMb: 100,
  expiresAt: '2026-03-31T16:30:00.000Z',
  streak: 3,
};
const render = (template: string, over: Partial<TemplateValues> = {}) => {
  const parsed = parseTemplate(template);
  if (!parsed.ok) throw new Error(parsed.problem.code);
  return renderTemplate(parsed.parts, { ...values, ...over });
};

describe('rendering a message template', () => {
  it.each([
    ['every variable', '{nickname}{amount}{activity}{sponsor}{balance}{expiresAt}{streak}', {}, '小明1.5 GB每日签到山河电器100 MB2026-04-013'],
    ['text around variables', '恭喜{nickname}获得{amount}！', {}, '恭喜小明获得1.5 GB！'],
    ['a variable twice', '{nickname}{nickname}', {}, '小明小明'],
    ['no variable', '谢谢参与', {}, '谢谢参与'],
    ['escaped braces', '{{amount}} 是 {amount}', {}, '{amount} 是 1.5 GB'],
    ['a lone escaped closing brace', '}}', {}, '}'],
    ['a nickname that looks like a variable stays literal', '{nickname}', { nickname: '{balance}' }, '{balance}'],
    ['a nickname with escaped braces stays literal', '{nickname}', { nickname: '{{x}}' }, '{{x}}'],
    ['expiry as the Shanghai date (16:30 UTC is the next day there)', '{expiresAt}', {}, '2026-04-01'],
    ['no streak renders empty', '[{streak}]', { streak: null }, '[]'],
    ['amounts through formatMb', '{amount}', { amountMb: 512 }, '512 MB'],
    ['emoji and Chinese', '🎉{nickname}🎉', {}, '🎉小明🎉'],
  ])('renders %s', (_name, template, over, expected) => {
    expect(render(template, over)).toBe(expected);
  });
});

describe('refusing a bad template, with the position', () => {
  it.each([
    ['an unknown variable', '你好{name}', { code: 'UNKNOWN_TEMPLATE_VARIABLE', position: 2, variable: 'name' }],
    ['an unknown variable after Chinese text', '恭喜恭喜{foo}', { code: 'UNKNOWN_TEMPLATE_VARIABLE', position: 4, variable: 'foo' }],
    ['an empty variable', 'a{}', { code: 'UNKNOWN_TEMPLATE_VARIABLE', position: 1, variable: '' }],
    ['a wrong case', '{Nickname}', { code: 'UNKNOWN_TEMPLATE_VARIABLE', position: 0, variable: 'Nickname' }],
    ['an unclosed brace', '你好{nickname', { code: 'UNBALANCED_TEMPLATE_BRACE', position: 2 }],
    ['a stray closing brace', '你好}', { code: 'UNBALANCED_TEMPLATE_BRACE', position: 2 }],
    ['a brace opened inside another', '{nick{name}}', { code: 'UNBALANCED_TEMPLATE_BRACE', position: 0 }],
    ['an emoji before the problem counts once', '🎉{x}', { code: 'UNKNOWN_TEMPLATE_VARIABLE', position: 1, variable: 'x' }],
  ])('refuses %s', (_name, template, problem) => {
    expect(parseTemplate(template)).toEqual({ ok: false, problem });
  });
});

describe('counting SMS segments', () => {
  const budget = { segmentChars: 70, maxSegments: 3 };
  const widths = activityVariableWidths('签到', '山河', 100);
  it.each([
    ['70 Chinese characters are one segment', '字'.repeat(70), 1],
    ['71 are two', '字'.repeat(71), 2],
    ['an emoji counts two', '🎉'.repeat(36), 2],
    ['empty costs one', '', 1],
  ])('%s', (_name, text, segments) => {
    expect(smsSegments(text, budget)).toBe(segments);
  });
  it('signs an activity SMS and names the sponsor', () => {
    expect(signedActivitySms('山河', '你好')).toBe('【流量】山河：你好');
  });
  it('accepts a template whose longest SMS fills the budget exactly', () => {
    const prefix = signedActivitySms('山河', '').length;
    expect(checkTemplate('字'.repeat(210 - prefix), '山河', widths, budget).ok).toBe(true);
  });
  it('refuses one character more, at the character that crosses', () => {
    const prefix = signedActivitySms('山河', '').length;
    expect(checkTemplate('字'.repeat(211 - prefix), '山河', widths, budget)).toEqual({
      ok: false,
      problem: { code: 'TEMPLATE_TOO_LONG', position: 210 - prefix, lengthChars: 211, maxChars: 210 },
    });
  });
  it('counts each variable at its widest (a nickname of 20)', () => {
    const prefix = signedActivitySms('山河', '').length;
    const fill = '字'.repeat(210 - prefix - 20);
    expect(checkTemplate(`${fill}{nickname}`, '山河', widths, budget).ok).toBe(true);
    expect(checkTemplate(`${fill}x{nickname}`, '山河', widths, budget)).toMatchObject({ ok: false, problem: { code: 'TEMPLATE_TOO_LONG', position: fill.length + 1 } });
  });
  it('reports a bad variable before the length', () => {
    expect(checkTemplate(`${'字'.repeat(300)}{x}`, '山河', widths, budget)).toMatchObject({ ok: false, problem: { code: 'UNKNOWN_TEMPLATE_VARIABLE' } });
  });
});
