/**
 * The two fund levels of a sponsor's budget (SPEC §3.9), as a pure rule. A level is "tripped"
 * while the available budget sits at or below it: the move that takes the budget there from
 * above fires the level's warning, and only a move that takes it back above re-arms the level.
 * A level of 0 is off (a sponsor that set no levels is never warned).
 */

const FUND_LEVELS = ['warn', 'alert'] as const;
export type FundLevel = (typeof FUND_LEVELS)[number];

export interface FundLevelState {
  levelsMb: Record<FundLevel, number>;
  tripped: Record<FundLevel, boolean>;
}

export interface FundLevelChange {
  /** The state to store after this move. */
  tripped: Record<FundLevel, boolean>;
  /** The levels this move crossed downward: each is warned about once, now. */
  fired: FundLevel[];
}

export function fundLevelChange(state: FundLevelState, availableMb: number): FundLevelChange {
  const tripped = { ...state.tripped };
  const fired: FundLevel[] = [];
  for (const level of FUND_LEVELS) {
    const levelMb = state.levelsMb[level];
    const atOrBelow = levelMb > 0 && availableMb <= levelMb;
    if (atOrBelow && !state.tripped[level]) fired.push(level);
    tripped[level] = atOrBelow;
  }
  return { tripped, fired };
}

/** The lowest level the available budget sits at or below, for operators' lists: `ok` above both. */
export function fundLevelOf(levelsMb: Record<FundLevel, number>, availableMb: number): FundLevel | 'ok' {
  const below = fundLevelChange({ levelsMb, tripped: { warn: false, alert: false } }, availableMb).tripped;
  return below.alert ? 'alert' : below.warn ? 'warn' : 'ok';
}
