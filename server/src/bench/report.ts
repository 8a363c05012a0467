import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describeCpu, type CpuShares } from './cpu';

/**
 * The bench's output: one table for people (every speed beside its ratio to a baseline of the
 * same run, every target with whether it was met) and the same figures as JSON for machines.
 */

/** Share of all cores busy above which a run counts as CPU-bound (the kernel's own network work is not attributed). */
const CPU_BOUND_SHARE = 0.85;
/** CPU taken by processes outside the bench above which a figure is flagged as disturbed. */
const OTHER_CPU_WARNING_PERCENT = 20;

/** `value` and `ratio` are medians over the rounds; `rounds` is the ratio's (else the value's) spread and every round's figure. */
export type Row = [scenario: string, figure: string, value: string, ratio: string, target: string, met: string, rounds: string];

const HEADER: Row = ['scenario', 'figure', 'value', 'ratio', 'target', 'met', 'rounds'];

export const fmtRate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;
export const fmtMs = (ms: number) => (ms >= 100 ? `${Math.round(ms)}` : ms.toFixed(1));
export const fmtRatio = (ratio: number, of: string) => `${ratio.toFixed(2)} × ${of}`;
export const yesNo = (met: boolean) => (met ? 'yes' : 'NO');

export function renderTable(rows: readonly Row[]): string {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: Row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADER), rule, ...rows.map(line)].join('\n');
}

/** What a run's CPU says about its limit, in one line. */
export function limitOf(cpu: CpuShares): string {
  const cores = cpus().length;
  const busy = Object.values(cpu).reduce((a, b) => a + b, 0);
  const top = Object.entries(cpu).sort((a, b) => b[1] - a[1]);
  const verdict =
    busy >= cores * 100 * CPU_BOUND_SHARE
      ? `CPU-bound: ${Math.round(busy)}% of ${cores * 100}% busy, most of it ${top[0][0]}`
      : `not CPU-bound (${Math.round(busy)}% of ${cores * 100}% busy): the rest is waiting on locks, round trips or commits`;
  const shared = (cpu.other ?? 0) >= OTHER_CPU_WARNING_PERCENT ? ` — WARNING: other processes took ${Math.round(cpu.other)}% of a core, this figure is disturbed` : '';
  return `${verdict} [${describeCpu(cpu)}]${shared}`;
}

export function writeJson(results: unknown): string {
  const directory = join(__dirname, '..', '..', '..', 'bench-results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
