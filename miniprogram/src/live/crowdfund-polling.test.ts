import { aCrowdfund } from '../../test/fakes';
import { crowdfundEventsBetween } from './pollingLive';

describe('crowdfundEventsBetween (weapp, which polls instead of a socket)', () => {
  const at = '2025-11-26T04:00:00.000Z';
  it('tells each new pledge with the running total, then the closing', () => {
    const before = aCrowdfund({ raisedMb: 100, pledges: [{ userId: 'a', nickname: 'A', amountMb: 100, at }] });
    const after = aCrowdfund({
      raisedMb: 1000,
      status: 'succeeded',
      pledges: [...before.pledges, { userId: 'b', nickname: 'B', amountMb: 300, at }, { userId: 'c', nickname: 'C', amountMb: 600, at }],
    });
    expect(crowdfundEventsBetween(before, after)).toEqual([
      { name: 'pledged', payload: { crowdfundId: 'cf-1', userId: 'b', nickname: 'B', amountMb: 300, raisedMb: 400 } },
      { name: 'pledged', payload: { crowdfundId: 'cf-1', userId: 'c', nickname: 'C', amountMb: 600, raisedMb: 1000 } },
      { name: 'closed', payload: { crowdfundId: 'cf-1', status: 'succeeded' } },
    ]);
    expect(crowdfundEventsBetween(after, after)).toEqual([]);
  });
});
