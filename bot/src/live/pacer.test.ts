import { GrabSummaryPacer } from './pacer';

function fakeClock(startMs = 1_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
}

const grab = (userId: string, amountMb: number, remainingCount?: number) => ({
  userId,
  nickname: `n-${userId}`,
  amountMb,
  ...(remainingCount === undefined ? {} : { remainingCount }),
});

describe('GrabSummaryPacer', () => {
  it('has nothing to say before any grab', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 5000, now: clock.now });
    expect(pacer.msUntilDue()).toBeNull();
    expect(pacer.takeDue()).toBeNull();
    expect(pacer.takeAll()).toBeNull();
  });

  it('reports the first grab at once', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 5000, now: clock.now });
    pacer.record(grab('a', 23, 5));
    expect(pacer.msUntilDue()).toBe(0);
    expect(pacer.takeDue()).toEqual({ named: [{ userId: 'a', nickname: 'n-a', amountMb: 23 }], unnamedCount: 0, remainingCount: 5 });
  });

  it('says at most one line per interval, gathering the grabs in between', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 5000, now: clock.now });
    pacer.record(grab('a', 10, 9));
    expect(pacer.takeDue()).not.toBeNull();

    clock.advance(1000);
    pacer.record(grab('b', 20, 8));
    pacer.record(grab('c', 30, 7));
    expect(pacer.msUntilDue()).toBe(4000);
    expect(pacer.takeDue()).toBeNull();

    clock.advance(3999);
    expect(pacer.takeDue()).toBeNull();
    clock.advance(1);
    expect(pacer.takeDue()).toEqual({
      named: [
        { userId: 'b', nickname: 'n-b', amountMb: 20 },
        { userId: 'c', nickname: 'n-c', amountMb: 30 },
      ],
      unnamedCount: 0,
      remainingCount: 7,
    });
    expect(pacer.msUntilDue()).toBeNull();
  });

  it('names a few grabbers and counts the rest', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 5000, now: clock.now, maxNamed: 2 });
    for (const [index, userId] of ['a', 'b', 'c', 'd', 'e'].entries()) pacer.record(grab(userId, 1, 10 - index));
    const summary = pacer.takeDue();
    expect(summary?.named.map((line) => line.userId)).toEqual(['a', 'b']);
    expect(summary?.unnamedCount).toBe(3);
    expect(summary?.remainingCount).toBe(6);
  });

  it('counts each grabber once when the bot hears of a grab twice, and keeps the newest remainder', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 5000, now: clock.now });
    pacer.record(grab('a', 10));
    pacer.record(grab('a', 10, 4));
    const summary = pacer.takeDue();
    expect(summary?.named).toHaveLength(1);
    expect(summary?.remainingCount).toBe(4);
  });

  it('keeps the smallest remainder when events arrive out of order', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 5000, now: clock.now });
    pacer.record(grab('b', 10, 3));
    pacer.record(grab('a', 10, 4));
    expect(pacer.takeDue()?.remainingCount).toBe(3);
  });

  it('hands over everything left for the last word, whatever the pace', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 5000, now: clock.now });
    pacer.record(grab('a', 10, 1));
    pacer.takeDue();
    pacer.record(grab('b', 5, 0));
    expect(pacer.takeDue()).toBeNull();
    expect(pacer.takeAll()).toEqual({ named: [{ userId: 'b', nickname: 'n-b', amountMb: 5 }], unnamedCount: 0, remainingCount: 0 });
    expect(pacer.takeAll()).toBeNull();
  });

  it('says no remainder when no grab told one', () => {
    const clock = fakeClock();
    const pacer = new GrabSummaryPacer({ intervalMs: 0, now: clock.now });
    pacer.record(grab('a', 10));
    expect(pacer.takeDue()?.remainingCount).toBeNull();
  });

  it('refuses a negative interval', () => {
    expect(() => new GrabSummaryPacer({ intervalMs: -1, now: Date.now })).toThrow(RangeError);
  });
});
