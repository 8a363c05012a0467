import { MAX_REQUEST_AMOUNT_MB } from '@liuliang/shared';
import { parseAmount, readAmount, type AmountError, type ParsedAmount } from './amount';

describe('parseAmount', () => {
  it.each<[string, ParsedAmount]>([
    ['100M', { amountMb: 100, unitAssumed: false }],
    ['100m', { amountMb: 100, unitAssumed: false }],
    ['100MB', { amountMb: 100, unitAssumed: false }],
    ['100mb', { amountMb: 100, unitAssumed: false }],
    ['100Mb', { amountMb: 100, unitAssumed: false }],
    ['100 MB', { amountMb: 100, unitAssumed: false }],
    ['100兆', { amountMb: 100, unitAssumed: false }],
    ['1G', { amountMb: 1024, unitAssumed: false }],
    ['1g', { amountMb: 1024, unitAssumed: false }],
    ['1GB', { amountMb: 1024, unitAssumed: false }],
    ['1.5G', { amountMb: 1536, unitAssumed: false }],
    ['1.5GB', { amountMb: 1536, unitAssumed: false }],
    ['0.25G', { amountMb: 256, unitAssumed: false }],
    ['2.50G', { amountMb: 2560, unitAssumed: false }],
    ['+10M', { amountMb: 10, unitAssumed: false }],
    ['100.0M', { amountMb: 100, unitAssumed: false }],
    ['007M', { amountMb: 7, unitAssumed: false }],
    ['100', { amountMb: 100, unitAssumed: true }],
    [`${MAX_REQUEST_AMOUNT_MB}M`, { amountMb: MAX_REQUEST_AMOUNT_MB, unitAssumed: false }],
  ])('reads %s as whole MB', (text, amount) => {
    expect(parseAmount(text)).toEqual({ ok: true, amount });
  });

  it.each<[string, AmountError]>([
    ['', { code: 'AMOUNT_INVALID', input: '' }],
    ['abc', { code: 'AMOUNT_INVALID', input: 'abc' }],
    ['100K', { code: 'AMOUNT_INVALID', input: '100K' }],
    ['100MBs', { code: 'AMOUNT_INVALID', input: '100MBs' }],
    ['1,5G', { code: 'AMOUNT_INVALID', input: '1,5G' }],
    ['1.5.3G', { code: 'AMOUNT_INVALID', input: '1.5.3G' }],
    ['.5G', { code: 'AMOUNT_INVALID', input: '.5G' }],
    ['100M 200M', { code: 'AMOUNT_INVALID', input: '100M 200M' }],
    ['0', { code: 'AMOUNT_ZERO', input: '0' }],
    ['0M', { code: 'AMOUNT_ZERO', input: '0M' }],
    ['0.0G', { code: 'AMOUNT_ZERO', input: '0.0G' }],
    ['-1M', { code: 'AMOUNT_NEGATIVE', input: '-1M' }],
    ['-1.5G', { code: 'AMOUNT_NEGATIVE', input: '-1.5G' }],
    ['1.5M', { code: 'AMOUNT_FRACTIONAL', input: '1.5M', suggestionMb: 1 }],
    ['0.5M', { code: 'AMOUNT_FRACTIONAL', input: '0.5M' }],
    ['1.3G', { code: 'AMOUNT_FRACTIONAL', input: '1.3G', suggestionMb: 1331 }],
    ['0.001G', { code: 'AMOUNT_FRACTIONAL', input: '0.001G', suggestionMb: 1 }],
    [`${MAX_REQUEST_AMOUNT_MB + 1}M`, { code: 'AMOUNT_TOO_LARGE', input: `${MAX_REQUEST_AMOUNT_MB + 1}M` }],
    ['1000000G', { code: 'AMOUNT_TOO_LARGE', input: '1000000G' }],
    ['9'.repeat(40), { code: 'AMOUNT_TOO_LARGE', input: '9'.repeat(40) }],
  ])('refuses %j', (text, error) => {
    expect(parseAmount(text)).toEqual({ ok: false, error });
  });
});

describe('readAmount', () => {
  it('leaves what follows the amount for the next reader', () => {
    expect(readAmount('100M 生日快乐')).toEqual({ ok: true, amount: { amountMb: 100, unitAssumed: false }, rest: '生日快乐' });
  });

  it('does not take the first letter of a following word as a unit', () => {
    expect(readAmount('100 more')).toEqual({ ok: true, amount: { amountMb: 100, unitAssumed: true }, rest: 'more' });
  });
});
