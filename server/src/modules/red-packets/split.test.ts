import { seededRandom } from '../../platform/random';
import { doubleMeanUpperBound, splitEqual, splitRandom } from './split';

describe('the double-mean split', () => {
  it('holds its properties over 5 000 seeded draws of every shape', () => {
    const random = seededRandom(20261126);
    const violations: string[] = [];
    for (let draw = 0; draw < 5000; draw++) {
      const count = 1 + Math.floor(random() * 200);
      const totalMb = count + Math.floor(random() * (draw % 3 === 0 ? 10 : 102_400 - count));
      const shares = splitRandom(totalMb, count, random);
      // Plain checks collected, one expect at the end: two million expect() calls take minutes.
      if (shares.length !== count) violations.push(`draw ${draw}: ${shares.length} shares, wanted ${count}`);
      if (shares.reduce((a, b) => a + b, 0) !== totalMb) violations.push(`draw ${draw}: shares do not sum to ${totalMb}`);
      let leftMb = totalMb;
      shares.forEach((share, i) => {
        if (!Number.isInteger(share) || share < 1) violations.push(`draw ${draw}: share ${i} is ${share}`);
        // Every share but the last stays under twice the mean of what was left when it was drawn.
        if (i < count - 1 && share > doubleMeanUpperBound(leftMb, count - i)) violations.push(`draw ${draw}: share ${i} above the bound`);
        if (i < count - 1 && leftMb / (count - i) >= 1.5 && share >= (2 * leftMb) / (count - i)) violations.push(`draw ${draw}: share ${i} not under double the mean`);
        leftMb -= share;
      });
    }
    expect(violations).toEqual([]);
  });

  it('gives 1 MB to everyone when the total equals the count', () => {
    expect(splitRandom(200, 200, seededRandom(1))).toEqual(Array(200).fill(1));
  });

  it('spreads shares: over many packets the first share averages the mean', () => {
    const random = seededRandom(7);
    let sum = 0;
    for (let i = 0; i < 4000; i++) sum += splitRandom(1000, 10, random)[0];
    expect(sum / 4000).toBeGreaterThan(90);
    expect(sum / 4000).toBeLessThan(110);
  });

  it('repeats the same shares for the same seed', () => {
    expect(splitRandom(1024, 7, seededRandom(42))).toEqual(splitRandom(1024, 7, seededRandom(42)));
  });

  it('refuses a total below the count, and a count below one', () => {
    expect(() => splitRandom(4, 5, seededRandom(1))).toThrow(RangeError);
    expect(() => splitRandom(10, 0, seededRandom(1))).toThrow(RangeError);
  });

  it('splits equal packets into identical shares', () => {
    expect(splitEqual(30, 4)).toEqual([30, 30, 30, 30]);
  });
});
