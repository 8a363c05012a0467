import { PendingBinds, PENDING_BIND_TTL_MS, RepeatSuppressor } from './limits';
import { stripMentionsOf } from './mentions';

function fakeClock() {
  // Not 0: lru-cache takes an entry stored at time 0 as one without a start, never stale.
  let nowMs = Date.parse('2025-01-01T00:00:00Z');
  return { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
}

describe('stripMentionsOf', () => {
  it.each([
    ['@流量小助手\u2005余额', ['流量小助手'], '余额'],
    ['@流量小助手 /give @小红 100M', ['流量小助手'], '/give @小红 100M'],
    ['余额 @流量小助手', ['流量小助手'], '余额'],
    ['@Liuliang Bot help', ['Liuliang Bot'], 'help'],
    ['@小助手 余额', ['流量小助手', '小助手'], '余额'],
    ['@流量小助手们 好', ['流量小助手'], '@流量小助手们 好'],
  ])('reads %j without the bot\'s own mention', (text, names, expected) => {
    expect(stripMentionsOf(text, names)).toBe(expected);
  });
});

describe('RepeatSuppressor', () => {
  it('lets the same complaint through once per window', () => {
    const clock = fakeClock();
    const suppressor = new RepeatSuppressor(10_000, clock.now);
    expect(suppressor.allow('room:SOLD_OUT')).toBe(true);
    expect(suppressor.allow('room:SOLD_OUT')).toBe(false);
    expect(suppressor.allow('other:SOLD_OUT')).toBe(true);
    clock.advance(10_000);
    expect(suppressor.allow('room:SOLD_OUT')).toBe(false);
    clock.advance(1);
    expect(suppressor.allow('room:SOLD_OUT')).toBe(true);
  });
});

describe('PendingBinds', () => {
  it('forgets a phone waiting for its code after a while', () => {
    const clock = fakeClock();
    const pending = new PendingBinds(clock.now);
    pending.set('c1', '13800138000', 'zh');
    expect(pending.get('c1')?.phone).toBe('13800138000');
    clock.advance(PENDING_BIND_TTL_MS);
    expect(pending.get('c1')?.phone).toBe('13800138000');
    clock.advance(1);
    expect(pending.get('c1')).toBeNull();
  });
});
