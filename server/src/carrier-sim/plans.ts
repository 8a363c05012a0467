import { createHash } from 'node:crypto';
import { PHONE_PATTERN, shanghaiMonthKey } from '@liuliang/shared';

/**
 * How the simulated carrier invents a believable plan for any valid number, without storage:
 * everything is a pure function of the number (and the month for the usage), so a demo shows
 * the same plan for the same number every time.
 */

/** The carrier knows the numbers the service accepts: the one shared rule. */
export const SIM_PHONE_PATTERN = PHONE_PATTERN;

export type SimCarrier = 'cmcc' | 'unicom' | 'telecom';
export const SIM_CARRIERS: readonly SimCarrier[] = ['cmcc', 'unicom', 'telecom'];

export const SIM_PROVINCES = ['广东', '北京', '上海', '浙江', '江苏', '四川', '湖北', '山东', '河南', '福建'] as const;

/** 10, 20, 30 and 40 GB. */
export const SIM_PLAN_SIZES_MB = [10_240, 20_480, 30_720, 40_960] as const;

/** A fresh month starts with at most this share of the plan already used (in percent). */
export const SIM_MAX_INITIAL_USED_PERCENT = 40;

const PREFIXES: Record<SimCarrier, readonly string[]> = {
  cmcc: ['134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '157', '158', '159', '178', '182', '183', '184', '187', '188', '198'],
  unicom: ['130', '131', '132', '145', '155', '156', '166', '175', '176', '185', '186'],
  telecom: ['133', '149', '153', '173', '177', '180', '181', '189', '199'],
};

const CARRIER_BY_PREFIX: ReadonlyMap<string, SimCarrier> = new Map(
  SIM_CARRIERS.flatMap((carrier) => PREFIXES[carrier].map((prefix): [string, SimCarrier] => [prefix, carrier])),
);

export interface DerivedPlan {
  carrier: SimCarrier;
  province: string;
  totalMb: number;
  /** What the number has used at the start of `month`, before any deduction. */
  usedMb: number;
}

/** A 32-bit slice of SHA-256: the same on every run and machine, and well spread over numbers. */
function hash32(text: string, slice: number): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(slice * 4);
}

export function carrierOfPhone(phone: string): SimCarrier {
  const known = CARRIER_BY_PREFIX.get(phone.slice(0, 3));
  return known ?? SIM_CARRIERS[hash32(phone, 0) % SIM_CARRIERS.length];
}

export function derivePlan(phone: string, month: string): DerivedPlan {
  if (!SIM_PHONE_PATTERN.test(phone)) throw new Error(`derivePlan: not a mainland mobile number: ${phone}`);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`derivePlan: month must be YYYY-MM, got ${month}`);
  const totalMb = SIM_PLAN_SIZES_MB[hash32(phone, 2) % SIM_PLAN_SIZES_MB.length];
  const maxInitialUsedMb = Math.floor((totalMb * SIM_MAX_INITIAL_USED_PERCENT) / 100);
  // The month is part of the usage hash so that each month looks different for the same number.
  const usedMb = hash32(`${phone}/${month}`, 3) % (maxInitialUsedMb + 1);
  return {
    carrier: carrierOfPhone(phone),
    province: SIM_PROVINCES[hash32(phone, 1) % SIM_PROVINCES.length],
    totalMb,
    usedMb,
  };
}

/** The Asia/Shanghai calendar month `YYYY-MM` that `nowMs` falls in. */
export function shanghaiMonth(nowMs: number): string {
  const at = new Date(nowMs);
  if (Number.isNaN(at.getTime())) throw new Error(`shanghaiMonth: not a time: ${nowMs}`);
  return shanghaiMonthKey(at);
}
