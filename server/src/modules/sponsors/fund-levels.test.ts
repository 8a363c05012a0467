import { fundLevelChange, fundLevelOf, type FundLevelState } from './fund-levels';

const armed = (warnMb: number, alertMb: number): FundLevelState => ({ levelsMb: { warn: warnMb, alert: alertMb }, tripped: { warn: false, alert: false } });

describe('the fund levels of a sponsor budget', () => {
  it.each([
    ['stays quiet above both levels', armed(1000, 200), 1001, [], { warn: false, alert: false }],
    ['fires the warning when the budget falls to the level itself', armed(1000, 200), 1000, ['warn'], { warn: true, alert: false }],
    ['fires both when one move falls through both levels', armed(1000, 200), 150, ['warn', 'alert'], { warn: true, alert: true }],
    [
      'does not fire a level again while the budget stays below it',
      { levelsMb: { warn: 1000, alert: 200 }, tripped: { warn: true, alert: false } },
      500,
      [],
      { warn: true, alert: false },
    ],
    [
      'fires the alert alone once the warning was sent',
      { levelsMb: { warn: 1000, alert: 200 }, tripped: { warn: true, alert: false } },
      200,
      ['alert'],
      { warn: true, alert: true },
    ],
    [
      're-arms a level only once the budget is back above it',
      { levelsMb: { warn: 1000, alert: 200 }, tripped: { warn: true, alert: true } },
      201,
      [],
      { warn: true, alert: false },
    ],
    ['re-arms both above the warning level', { levelsMb: { warn: 1000, alert: 200 }, tripped: { warn: true, alert: true } }, 1001, [], { warn: false, alert: false }],
    ['never fires a level of 0 (off), even at an empty budget', armed(0, 0), 0, [], { warn: false, alert: false }],
    ['fires a warning with the alert off', armed(500, 0), 0, ['warn'], { warn: true, alert: false }],
  ])('%s', (_name, state, availableMb, fired, tripped) => {
    expect(fundLevelChange(state as FundLevelState, availableMb as number)).toEqual({ fired, tripped });
  });

  it.each([
    [1001, 'ok'],
    [1000, 'warn'],
    [201, 'warn'],
    [200, 'alert'],
    [0, 'alert'],
  ])('places a budget of %i MB against levels 1000/200 as %s', (availableMb, level) => {
    expect(fundLevelOf({ warn: 1000, alert: 200 }, availableMb)).toBe(level);
  });

  it('places any budget of a sponsor with no levels as ok', () => {
    expect(fundLevelOf({ warn: 0, alert: 0 }, 0)).toBe('ok');
  });
});
