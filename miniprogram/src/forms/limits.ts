import type { Limits } from '@liuliang/shared';

/**
 * The product's default limits (SPEC §3), used ONLY when `GET /limits` fails (no network, an
 * older service): a form still checks something at once, and the service, which holds the
 * configured values, has the last word on every request. Pages read limits through useLimits.
 */
export const FALLBACK_LIMITS: Limits = {
  deposit: { minMb: 10, monthlyCapMb: 10_240 },
  gift: { minMb: 10, maxMb: 10_240, perDay: 3, perWeek: 5, perMonth: 10, messageMaxChars: 60, claimHours: 72 },
  redPacket: { maxTotalMb: 102_400, minCount: 1, maxCount: 200, minShareMb: 1, greetingMaxChars: 60, passphraseMaxChars: 32, validSeconds: 24 * 60 * 60 },
  smsCode: { resendSeconds: 60 },
  tip: { minMb: 1, maxMb: 1024, messageMaxChars: 60 },
  crowdfund: { minGoalMb: 100, maxGoalMb: 102_400, minSeconds: 60 * 60, maxSeconds: 30 * 24 * 60 * 60, titleMaxChars: 40 },
  shareGroup: { maxMembers: 10, nameMaxChars: 20 },
  activitySms: { segmentChars: 70, maxSegments: 3 },
};
