import { formatMb } from './units';

describe('formatMb', () => {
  it.each([
    [0, '0 MB'],
    [10, '10 MB'],
    [1023, '1023 MB'],
    [1024, '1 GB'],
    [1536, '1.5 GB'],
    [1280, '1.25 GB'],
    [10240, '10 GB'],
    [-512, '-512 MB'],
  ])('renders %d as %s', (amountMb, text) => {
    expect(formatMb(amountMb)).toBe(text);
  });

  it('refuses a fractional amount, because amounts are integer MB end to end', () => {
    expect(() => formatMb(1.5)).toThrow(RangeError);
  });
});
