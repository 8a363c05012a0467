/**
 * Account codes. Every account is addressed by a stable code so that features name the
 * account they mean (`wallet:42`, `escrow:gift:7`) without knowing its row id.
 */
export const EXTERNAL_ACCOUNTS = {
  /** Carrier plan data banked into wallets. */
  carrierPlan: 'ext:carrier_plan',
  /** Data that outlived its expiry. */
  expired: 'ext:expired',
  /** Data recharged out to carriers (cash-out orders that succeeded, and overruns). */
  recharged: 'ext:recharged_out',
  /** What second successes of one cash-out order cost the platform: data recharged that no wallet paid for. */
  rechargeOverrun: 'ext:recharge_overrun',
  /** Sponsor budgets bought. */
  sponsorBudget: 'ext:sponsor_budget',
  /** Data exchanged for goods. */
  exchanged: 'ext:exchanged',
  /** Data sponsors paid the platform for, recorded by an operator as a top-up of a sponsor's budget. */
  sponsorPurchases: 'ext:sponsor_purchases',
} as const;

export type ExternalAccountCode = (typeof EXTERNAL_ACCOUNTS)[keyof typeof EXTERNAL_ACCOUNTS];

export type EscrowOwner = 'gift' | 'red_packet' | 'crowdfund' | 'share_group' | 'cash_out' | 'activity' | 'sponsor' | 'coupon_batch';

export const walletCode = (userId: string | number) => `wallet:${userId}`;
export const escrowCode = (owner: EscrowOwner, id: string | number) => `escrow:${owner}:${id}`;
export const isExternalCode = (code: string) => code.startsWith('ext:');

export type TransferKind =
  | 'deposit'
  | 'gift'
  | 'gift_escrow'
  | 'gift_claim'
  | 'gift_refund'
  | 'red_packet_fund'
  | 'red_packet_grab'
  | 'red_packet_refund'
  | 'tip'
  | 'crowdfund_pledge'
  | 'crowdfund_payout'
  | 'crowdfund_refund'
  | 'share_group_fund'
  | 'share_group_draw'
  | 'share_group_reclaim'
  | 'expiry'
  | 'adjustment'
  | 'sponsor_topup'
  | 'activity_fund'
  | 'activity_reward'
  | 'activity_return'
  | 'cashout_order'
  | 'cashout_recharge'
  | 'cashout_refund'
  | 'recharge_overrun'
  | 'coupon_fund'
  | 'coupon_redeem'
  | 'coupon_return';
