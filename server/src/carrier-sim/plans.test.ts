import {
  carrierOfPhone,
  derivePlan,
  shanghaiMonth,
  SIM_CARRIERS,
  SIM_MAX_INITIAL_USED_PERCENT,
  SIM_PLAN_SIZES_MB,
  SIM_PROVINCES,
} from './plans';

const MONTH = '2025-03';

/** 2 000 valid numbers spread over every allowed prefix, the same on every run. */
function sampleNumbers(): string[] {
  const numbers: string[] = [];
  for (let i = 0; i < 2_000; i += 1) {
    const prefix = 130 + (i % 70);
    numbers.push(`${prefix}${String((i * 7_919_993) % 100_000_000).padStart(8, '0')}`);
  }
  return numbers;
}

describe('plan derivation', () => {
  it.each([
    ['13812345678', 'cmcc'],
    ['13412345678', 'cmcc'],
    ['14712345678', 'cmcc'],
    ['17812345678', 'cmcc'],
    ['19812345678', 'cmcc'],
    ['13012345678', 'unicom'],
    ['14512345678', 'unicom'],
    ['16612345678', 'unicom'],
    ['18612345678', 'unicom'],
    ['13312345678', 'telecom'],
    ['14912345678', 'telecom'],
    ['17712345678', 'telecom'],
    ['19912345678', 'telecom'],
  ])('gives %s to %s by its prefix', (phone, carrier) => {
    expect(carrierOfPhone(phone)).toBe(carrier);
    expect(derivePlan(phone, MONTH).carrier).toBe(carrier);
  });

  it('gives numbers of unlisted prefixes a real carrier, always the same one', () => {
    const unlisted = ['14012345678', '16012345678', '19012345678', '17012345678'];
    for (const phone of unlisted) {
      expect(SIM_CARRIERS).toContain(carrierOfPhone(phone));
      expect(carrierOfPhone(phone)).toBe(carrierOfPhone(phone));
    }
  });

  it('derives the same plan for the same number and month every time', () => {
    for (const phone of sampleNumbers().slice(0, 50)) {
      expect(derivePlan(phone, MONTH)).toEqual(derivePlan(phone, MONTH));
    }
  });

  it('keeps province, plan size and initial usage within their ranges', () => {
    for (const phone of sampleNumbers()) {
      const plan = derivePlan(phone, MONTH);
      expect(SIM_PROVINCES).toContain(plan.province);
      expect(SIM_PLAN_SIZES_MB).toContain(plan.totalMb);
      expect(Number.isInteger(plan.usedMb)).toBe(true);
      expect(plan.usedMb).toBeGreaterThanOrEqual(0);
      expect(plan.usedMb).toBeLessThanOrEqual((plan.totalMb * SIM_MAX_INITIAL_USED_PERCENT) / 100);
    }
  });

  it('spreads numbers over every province, plan size and carrier', () => {
    const plans = sampleNumbers().map((phone) => derivePlan(phone, MONTH));
    expect(new Set(plans.map((p) => p.province)).size).toBe(SIM_PROVINCES.length);
    expect(new Set(plans.map((p) => p.totalMb)).size).toBe(SIM_PLAN_SIZES_MB.length);
    expect(new Set(plans.map((p) => p.carrier)).size).toBe(SIM_CARRIERS.length);
  });

  it('keeps carrier, province and size across months but starts each month from another usage', () => {
    const phone = '13812345678';
    const march = derivePlan(phone, '2025-03');
    const months = ['2025-04', '2025-05', '2025-06', '2025-07'].map((month) => derivePlan(phone, month));
    for (const plan of months) {
      expect(plan).toMatchObject({ carrier: march.carrier, province: march.province, totalMb: march.totalMb });
    }
    expect(new Set([march, ...months].map((p) => p.usedMb)).size).toBeGreaterThan(1);
  });

  it('refuses numbers that are not mainland mobile numbers', () => {
    for (const phone of ['12812345678', '1381234567', '138123456789', 'abc', '']) {
      expect(() => derivePlan(phone, MONTH)).toThrow();
    }
  });
});

describe('shanghaiMonth', () => {
  it('turns the month at midnight Asia/Shanghai, eight hours before UTC', () => {
    expect(shanghaiMonth(Date.parse('2025-01-31T15:59:59.999Z'))).toBe('2025-01');
    expect(shanghaiMonth(Date.parse('2025-01-31T16:00:00.000Z'))).toBe('2025-02');
    expect(shanghaiMonth(Date.parse('2024-12-31T16:00:00.000Z'))).toBe('2025-01');
  });
});
