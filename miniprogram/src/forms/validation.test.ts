import { checkAmountMb, checkGiftMessage, checkPacketCount, checkPassphrase, checkPhone, checkSmsCode, parseWholeMb } from './validation';

describe('form checks', () => {
  it.each([
    ['', '请输入手机号'],
    ['1380000000', '请输入正确的 11 位手机号'],
    ['12800000000', '请输入正确的 11 位手机号'],
    ['138abc00001', '请输入正确的 11 位手机号'],
  ])('refuses the phone "%s" with "%s"', (text, error) => {
    expect(checkPhone(text)).toEqual({ ok: false, error });
  });

  it('accepts a mainland mobile number, spaces removed', () => {
    expect(checkPhone(' 138 0000 0001 ')).toEqual({ ok: true, value: '13800000001' });
  });

  it.each([
    ['', '请输入验证码'],
    ['12345', '验证码是 6 位数字'],
    ['12345a', '验证码是 6 位数字'],
  ])('refuses the code "%s" with "%s"', (text, error) => {
    expect(checkSmsCode(text)).toEqual({ ok: false, error });
  });

  it.each([
    ['', '请输入流量数量'],
    ['1.5', '流量数量请填整数（单位 MB）'],
    ['-5', '流量数量请填整数（单位 MB）'],
    ['abc', '流量数量请填整数（单位 MB）'],
    ['5', '流量至少 10 MB'],
    ['10241', '流量最多 10 GB'],
    ['99999999999999999999999', '流量最多 10 GB'],
  ])('refuses the amount "%s" with "%s"', (text, error) => {
    expect(checkAmountMb(text, { minMb: 10, maxMb: 10240 })).toEqual({ ok: false, error });
  });

  it('accepts a whole number of MB within bounds', () => {
    expect(checkAmountMb('512', { minMb: 10, maxMb: 10240 })).toEqual({ ok: true, value: 512 });
  });

  it.each([
    ['0', '至少发 1 个红包'],
    ['201', '一次最多发 200 个红包'],
    ['', '请输入红包个数'],
  ])('refuses the packet count "%s" with "%s"', (text, error) => {
    expect(checkPacketCount(text)).toEqual({ ok: false, error });
  });

  it('refuses a gift message over 60 characters and treats an empty one as none', () => {
    expect(checkGiftMessage('好'.repeat(61))).toEqual({ ok: false, error: '留言最多 60 个字' });
    expect(checkGiftMessage('  ')).toEqual({ ok: true, value: undefined });
  });

  it('reads a typed amount only while it is a safe whole number', () => {
    expect(parseWholeMb('1536')).toBe(1536);
    expect(parseWholeMb('1e3')).toBeNull();
    expect(parseWholeMb('9'.repeat(30))).toBeNull();
  });
});

describe('checkPassphrase', () => {
  it('drops punctuation around a passphrase, as the bot does, and keeps one made only of it', () => {
    expect(checkPassphrase(' 芝麻开门！')).toEqual({ ok: true, value: '芝麻开门' });
    expect(checkPassphrase('「恭喜发财」')).toEqual({ ok: true, value: '恭喜发财' });
    expect(checkPassphrase('!!!')).toEqual({ ok: true, value: '!!!' });
  });
});
