import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { CpuShares } from './cpu';

/**
 * Rounds: on a machine shared with other work, one run of a scenario says little. Each scenario
 * runs its baseline and itself back to back, several rounds in a row; every ratio is taken
 * within a round (a baseline and the service measured seconds apart, under the same weather),
 * and the table shows the median of the rounds with their spread. A round is flagged as
 * disturbed when, while it ran, processes outside the bench took CPU or the hypervisor stole it.
 */

/** CPU taken by processes outside the bench, in % of one core, above which a round counts as disturbed. */
const DISTURBED_OTHER_PERCENT = 20;
/** CPU stolen by the hypervisor, in % of one core, above which a round counts as disturbed. */
const DISTURBED_STEAL_PERCENT = 5;

/** What the machine did while one round ran, besides the bench. */
export interface Weather {
  /** Most CPU (% of one core) that processes outside the bench took in any measured part of the round. */
  otherPercent: number;
  /** CPU (% of one core) stolen by the hypervisor over the round. */
  stealPercent: number;
  /** 1-minute load average when the round began and ended (the bench's own processes count in it). */
  loadBefore: number;
  loadAfter: number;
  disturbed: boolean;
  /** Why it counts as disturbed, or '' for a quiet round. */
  why: string;
}

/** Ticks stolen from this guest so far (/proc/stat, field 8), 0 off Linux. */
function stealTicks(): number {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    return Number(cpu.trim().split(/\s+/)[8] ?? 0);
  } catch {
    return 0;
  }
}

/** Starts watching one round; `stop(parts)` takes the CPU shares of the round's measured parts. */
export function watchRound(): { stop(parts: readonly CpuShares[]): Weather } {
  const stealBefore = stealTicks();
  const loadBefore = loadavg()[0];
  const startedAt = process.hrtime.bigint();
  return {
    stop(parts) {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      // /proc/stat counts in USER_HZ, 100 per second on every common build.
      const stealPercent = ((stealTicks() - stealBefore) / 100 / seconds) * 100;
      const otherPercent = Math.max(0, ...parts.map((p) => p.other ?? 0));
      const reasons = [
        otherPercent >= DISTURBED_OTHER_PERCENT ? `other processes took ${Math.round(otherPercent)}% of a core` : '',
        stealPercent >= DISTURBED_STEAL_PERCENT ? `${Math.round(stealPercent)}% of a core stolen` : '',
      ].filter(Boolean);
      return { otherPercent, stealPercent, loadBefore, loadAfter: loadavg()[0], disturbed: reasons.length > 0, why: reasons.join(', ') };
    },
  };
}

/** Runs `round` `count` times in a row, each under its own weather watch. */
export async function inRounds<T>(
  count: number,
  label: string,
  round: (index: number) => Promise<{ result: T; cpu: readonly CpuShares[] }>,
): Promise<Array<T & { weather: Weather }>> {
  const done: Array<T & { weather: Weather }> = [];
  for (let index = 0; index < count; index++) {
    console.log(`==> ${label}: round ${index + 1} of ${count}`);
    const watch = watchRound();
    const { result, cpu } = await round(index);
    const weather = watch.stop(cpu);
    if (weather.disturbed) console.log(`    round ${index + 1} disturbed: ${weather.why}`);
    done.push({ ...result, weather });
  }
  return done;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median, in %: how far apart the rounds landed. */
  spreadPercent: number;
  values: number[];
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return { median, min, max, spreadPercent: median === 0 ? 0 : ((max - min) / median) * 100, values: [...values] };
}

/** "±12% (0.31 0.35 0.39)": the spread and every round's value, as the table prints beside a median. */
export function describeSpread(spread: Spread, format: (value: number) => string): string {
  return `±${Math.round(spread.spreadPercent / 2)}% (${spread.values.map(format).join(' ')})`;
}

/** "rounds 2, 3 disturbed (…)" or '' when every round was quiet. */
export function describeWeather(weathers: readonly Weather[]): string {
  const disturbed = weathers.map((w, i) => ({ w, round: i + 1 })).filter(({ w }) => w.disturbed);
  if (disturbed.length === 0) return `${weathers.length} quiet rounds`;
  return `DISTURBED: ${disturbed.map(({ w, round }) => `round ${round} (${w.why})`).join('; ')}`;
}
