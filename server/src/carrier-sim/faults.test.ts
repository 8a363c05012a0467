import { drawFault, NO_FAULTS } from './faults';
import { seededRandom } from '../platform/random';

describe('fault drawing', () => {
  it('draws the same faults for the same seed', () => {
    const settings = { ...NO_FAULTS, errorRate: 0.3, timeoutRate: 0.2, lostAnswerRate: 0.1, seed: 42 };
    const draw = (): string[] => {
      const random = seededRandom(settings.seed);
      return Array.from({ length: 50 }, () => drawFault(settings, random));
    };
    expect(draw()).toEqual(draw());
  });

  it('never faults with all rates at zero and always faults at rate one', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 100; i += 1) {
      expect(drawFault(NO_FAULTS, random)).toBe('none');
      expect(drawFault({ ...NO_FAULTS, timeoutRate: 1 }, random)).toBe('timeout');
      expect(drawFault({ ...NO_FAULTS, lostAnswerRate: 1 }, random)).toBe('lost');
      expect(drawFault({ ...NO_FAULTS, errorRate: 1 }, random)).toBe('error');
      expect(drawFault({ ...NO_FAULTS, refusalRate: 1 }, random)).toBe('refusal');
    }
  });

  it('faults roughly the share of requests its rate asks for', () => {
    const random = seededRandom(3);
    const settings = { ...NO_FAULTS, errorRate: 0.25 };
    const errors = Array.from({ length: 4_000 }, () => drawFault(settings, random)).filter((f) => f === 'error');
    expect(errors.length).toBeGreaterThan(800);
    expect(errors.length).toBeLessThan(1_200);
  });
});
