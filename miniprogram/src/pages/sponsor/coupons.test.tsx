import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { CouponBatch } from '@liuliang/shared';
import { ApiError } from '../../api/errors';
import { clipboard, modalAnswer } from '../../../test/stubs/taro';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { checkCouponForm, type CouponFormFields } from './couponForm';
import SponsorPage from './index';

const mine = { items: [{ id: 's-1', name: '星河饮料', role: 'staff', budgetMb: 5120, warnMb: 0, alertMb: 0, contacts: [], members: [], createdAt: '2026-03-01T00:00:00.000Z' }] };
const noActivities = jest.fn().mockResolvedValue({ items: [], nextCursor: null });
const CSV = 'code,amountMb,title,validFrom,validUntil\nABCD-EFGH-JKMN-PQRST,100,新春,2026-03-10T00:00:00.000Z,2026-04-10T00:00:00.000Z\n';

function aBatch(overrides: Partial<CouponBatch> = {}): CouponBatch {
  return {
    id: 'b-1',
    sponsorId: 's-1',
    title: '新春卡密',
    amountMb: 100,
    count: 20,
    totalMb: 2000,
    validFrom: '2026-03-10T00:00:00.000Z',
    validUntil: '2026-04-10T00:00:00.000Z',
    status: 'active',
    redeemedCount: 3,
    redeemedMb: 300,
    returnedMb: 0,
    codesDownloaded: false,
    codesDownloadedAt: null,
    createdAt: '2026-03-10T00:00:00.000Z',
    ...overrides,
  };
}

describe('the issue-coupons form', () => {
  const now = new Date('2026-03-10T02:00:00Z');
  const form: CouponFormFields = { title: '新春卡密', amountText: '100', countText: '20', daysText: '30' };

  it('builds a batch valid from now for the given days', () => {
    expect(checkCouponForm(form, now)).toEqual({
      ok: true,
      value: { title: '新春卡密', amountMb: 100, count: 20, validFrom: '2026-03-10T02:00:00.000Z', validUntil: '2026-04-09T02:00:00.000Z' },
    });
  });

  it.each([
    [{ title: '  ' }, '请填写卡密名称'],
    [{ amountText: '1.5' }, '每张面值请填'],
    [{ amountText: '102401' }, '每张面值请填'],
    [{ countText: '0' }, '张数请填'],
    [{ countText: '10001' }, '张数请填'],
    [{ daysText: '367' }, '有效天数请填'],
  ] as Array<[Partial<CouponFormFields>, string]>)('refuses %p: %s', (change, error) => {
    const checked = checkCouponForm({ ...form, ...change }, now);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toContain(error);
  });
});

describe('coupon batches on the sponsor page', () => {
  beforeEach(() => signIn());

  it('lists batches with their redeemed counts, and says which codes were already taken out', async () => {
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: noActivities,
      listCouponBatches: jest.fn().mockResolvedValue({
        items: [aBatch(), aBatch({ id: 'b-2', codesDownloaded: true, codesDownloadedAt: '2026-03-11T00:00:00.000Z' }), aBatch({ id: 'b-3', status: 'settled', returnedMb: 1700 })],
        nextCursor: null,
      }),
    });
    renderWithServices(<SponsorPage />, { api });
    const fresh = await screen.findByTestId('coupon-batch-b-1');
    expect(fresh).toHaveTextContent('新春卡密 · 100 MB × 20');
    expect(fresh).toHaveTextContent('已兑换 3 / 20 张');
    expect(fresh.querySelector('[data-testid="take-coupon-codes"]')).not.toBeNull();
    const taken = screen.getByTestId('coupon-batch-b-2');
    expect(taken.querySelector('[data-testid="take-coupon-codes"]')).toBeNull();
    expect(taken).toHaveTextContent('卡密已取出');
    expect(screen.getByTestId('coupon-batch-b-3')).toHaveTextContent('已结束，未兑换的 1.66 GB 已退回预算');
  });

  it('takes the codes out once after a confirmation, offers them to copy, and shows the batch as taken', async () => {
    const listCouponBatches = jest
      .fn()
      .mockResolvedValueOnce({ items: [aBatch()], nextCursor: null })
      .mockResolvedValue({ items: [aBatch({ codesDownloaded: true, codesDownloadedAt: '2026-03-10T01:00:00.000Z' })], nextCursor: null });
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: noActivities,
      listCouponBatches,
      downloadCouponCodes: jest.fn().mockResolvedValue(CSV),
    });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('take-coupon-codes'));
    expect(await screen.findByTestId('coupon-codes-panel')).toHaveTextContent('已取出 20 张卡密');
    expect(modalAnswer.asked[0]).toContain('只能取出一次');
    expect(api.downloadCouponCodes).toHaveBeenCalledWith('s-1', 'b-1');
    fireEvent.click(screen.getByTestId('copy-coupon-codes'));
    await waitFor(() => expect(clipboard.text).toBe(CSV));
    await waitFor(() => expect(screen.getByTestId('coupon-batch-b-1')).toHaveTextContent('卡密已取出'));
    expect(screen.queryByTestId('take-coupon-codes')).toBeNull();
  });

  it('does not take the codes out when the sponsor cancels the confirmation', async () => {
    modalAnswer.confirm = false;
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: noActivities,
      listCouponBatches: jest.fn().mockResolvedValue({ items: [aBatch()], nextCursor: null }),
    });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('take-coupon-codes'));
    await waitFor(() => expect(modalAnswer.asked).toHaveLength(1));
    expect(api.downloadCouponCodes).not.toHaveBeenCalled();
  });

  it('says so when the codes were taken out elsewhere meanwhile (410)', async () => {
    const api = fakeApi({
      listMySponsors: jest.fn().mockResolvedValue(mine),
      listSponsorActivities: noActivities,
      listCouponBatches: jest.fn().mockResolvedValue({ items: [aBatch()], nextCursor: null }),
      downloadCouponCodes: jest.fn().mockRejectedValue(new ApiError('GONE', 410, 'gone')),
    });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('take-coupon-codes'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent('已经取出过了'));
  });

  it('issues a batch with an Idempotency-Key, and words a short budget', async () => {
    const createCouponBatch = jest
      .fn()
      .mockRejectedValueOnce(new ApiError('INSUFFICIENT_BUDGET', 422, 'short'))
      .mockResolvedValue(aBatch());
    const api = fakeApi({ listMySponsors: jest.fn().mockResolvedValue(mine), listSponsorActivities: noActivities, createCouponBatch });
    renderWithServices(<SponsorPage />, { api });
    const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
    await screen.findByTestId('issue-coupons-button');
    type('coupon-title-input', '新春卡密');
    type('coupon-amount-input', '100');
    type('coupon-count-input', '20');
    fireEvent.click(screen.getByTestId('issue-coupons-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent('赞助预算不足'));
    fireEvent.click(screen.getByTestId('issue-coupons-button'));
    await waitFor(() => expect(createCouponBatch).toHaveBeenCalledTimes(2));
    expect(createCouponBatch).toHaveBeenCalledWith('s-1', expect.objectContaining({ title: '新春卡密', amountMb: 100, count: 20 }), expect.stringMatching(/^[0-9a-f]{32}$/));
    // A definite refusal settles the action: the second tap is a new one.
    expect(createCouponBatch.mock.calls[1][2]).not.toBe(createCouponBatch.mock.calls[0][2]);
    // The issue spent the budget: the page asks for it again.
    await waitFor(() => expect(api.listMySponsors).toHaveBeenCalledTimes(2));
  });
});
