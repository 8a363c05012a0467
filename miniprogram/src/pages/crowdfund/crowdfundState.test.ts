import { aCrowdfund } from '../../../test/fakes';
import { crowdfundReducer, percentRaised, type CrowdfundState } from './crowdfundState';

describe('crowdfundReducer', () => {
  const at = '2025-11-26T04:00:00.000Z';
  it('keeps a load that knows fewer pledges than the screen out', () => {
    const shown: CrowdfundState = { crowdfund: aCrowdfund({ raisedMb: 200, pledges: [{ userId: 'u', nickname: 'n', amountMb: 200, at }] }) };
    expect(crowdfundReducer(shown, { type: 'loaded', crowdfund: aCrowdfund() })).toBe(shown);
    const newer = aCrowdfund({ raisedMb: 300, pledges: [...shown.crowdfund!.pledges, { userId: 'v', nickname: 'm', amountMb: 100, at }] });
    expect(crowdfundReducer(shown, { type: 'loaded', crowdfund: newer }).crowdfund).toBe(newer);
  });
  it('never moves what was raised back, nor past the goal', () => {
    let state: CrowdfundState = { crowdfund: aCrowdfund() };
    state = crowdfundReducer(state, { type: 'pledged', event: { crowdfundId: 'cf-1', userId: 'a', nickname: 'A', amountMb: 600, raisedMb: 600 }, at });
    state = crowdfundReducer(state, { type: 'pledged', event: { crowdfundId: 'cf-1', userId: 'b', nickname: 'B', amountMb: 100, raisedMb: 100 }, at });
    expect(state.crowdfund?.raisedMb).toBe(600);
    state = crowdfundReducer(state, { type: 'pledged', event: { crowdfundId: 'cf-1', userId: 'c', nickname: 'C', amountMb: 400, raisedMb: 5000 }, at });
    expect(state.crowdfund?.raisedMb).toBe(1000);
  });
  it('rounds the percentage down and caps it at 100', () => {
    expect(percentRaised({ raisedMb: 999, goalMb: 1000 })).toBe(99);
    expect(percentRaised({ raisedMb: 1000, goalMb: 1000 })).toBe(100);
    expect(percentRaised({ raisedMb: 0, goalMb: 100 })).toBe(0);
  });
});
