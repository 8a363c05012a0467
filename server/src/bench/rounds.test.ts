import { describeSpread, describeWeather, spreadOf, watchRound, type Weather } from './rounds';

const quiet: Weather = { otherPercent: 3, stealPercent: 0, loadBefore: 1, loadAfter: 1, disturbed: false, why: '' };

describe('bench rounds', () => {
  it('takes the median of the rounds and their spread around it', () => {
    const spread = spreadOf([0.4, 0.2, 0.3]);
    expect(spread).toMatchObject({ median: 0.3, min: 0.2, max: 0.4, values: [0.4, 0.2, 0.3] });
    expect(spread.spreadPercent).toBeCloseTo(66.67, 1);
    expect(spreadOf([1, 3]).median).toBe(2);
    expect(describeSpread(spread, (v) => v.toFixed(1))).toBe('±33% (0.4 0.2 0.3)');
  });

  it('flags a round in which other processes took CPU, and names it', () => {
    const watch = watchRound();
    const disturbed = watch.stop([
      { servers: 80, other: 5 },
      { servers: 70, other: 45 },
    ]);
    expect(disturbed.disturbed).toBe(true);
    expect(disturbed.otherPercent).toBe(45);
    expect(disturbed.why).toContain('other processes took 45% of a core');
    expect(watchRound().stop([{ servers: 90, other: 2 }]).otherPercent).toBe(2);
    const busy: Weather = { ...quiet, otherPercent: 45, disturbed: true, why: 'other processes took 45% of a core' };
    expect(describeWeather([quiet, busy, quiet])).toBe('DISTURBED: round 2 (other processes took 45% of a core)');
    expect(describeWeather([quiet, quiet, quiet])).toBe('3 quiet rounds');
  });
});
