import type { ClosedEvent, Crowdfund, PledgedEvent } from '@liuliang/shared';

export interface CrowdfundState {
  crowdfund: Crowdfund | null;
}

export type CrowdfundAction = { type: 'loaded'; crowdfund: Crowdfund } | { type: 'pledged'; event: PledgedEvent; at: string } | { type: 'closed'; event: ClosedEvent };

export const initialCrowdfundState: CrowdfundState = { crowdfund: null };

/**
 * The crowdfund on screen, moved by live events between loads. Events may arrive out of order
 * (two server processes) and a load may answer after newer events: what was raised only grows,
 * and a load that knows fewer pledges than the screen does is stale and kept out.
 */
export function crowdfundReducer(state: CrowdfundState, action: CrowdfundAction): CrowdfundState {
  const current = state.crowdfund;
  switch (action.type) {
    case 'loaded':
      if (current && current.id === action.crowdfund.id && action.crowdfund.pledges.length < current.pledges.length) return state;
      return { crowdfund: action.crowdfund };
    case 'pledged': {
      if (!current || action.event.crowdfundId !== current.id) return state;
      const { userId, nickname, amountMb, raisedMb } = action.event;
      return {
        crowdfund: {
          ...current,
          raisedMb: Math.max(current.raisedMb, Math.min(raisedMb, current.goalMb)),
          pledges: [...current.pledges, { userId, nickname, amountMb, at: action.at }],
        },
      };
    }
    case 'closed': {
      if (!current || action.event.crowdfundId !== current.id) return state;
      const raisedMb = action.event.status === 'succeeded' ? current.goalMb : current.raisedMb;
      return { crowdfund: { ...current, status: action.event.status, raisedMb } };
    }
  }
}

/** Whole percent raised, for the bar: 0 … 100, never past it. */
export function percentRaised(crowdfund: Pick<Crowdfund, 'raisedMb' | 'goalMb'>): number {
  if (crowdfund.goalMb <= 0) return 0;
  return Math.min(100, Math.floor((crowdfund.raisedMb * 100) / crowdfund.goalMb));
}
