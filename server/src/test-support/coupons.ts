import { readCouponCode } from '@liuliang/shared';
import type { HttpClient } from './http-client';

/** What the coupon tests share: a batch request, and a batch's codes read out of its one CSV. */
export function couponBatchRequest(at: Date, overrides: Record<string, unknown> = {}) {
  return {
    title: '新春卡密',
    amountMb: 100,
    count: 5,
    validFrom: new Date(at.getTime() - 60_000).toISOString(),
    validUntil: new Date(at.getTime() + 30 * 24 * 60 * 60 * 1000).toISOString(),
    ...overrides,
  };
}

/** The codes of a CSV download (as normalised codes), in order; throws on a line that is not one. */
export function codesOfCsv(csv: string): string[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  if (!header.startsWith('code,')) throw new Error(`not a coupon CSV: ${header}`);
  return lines.map((line) => {
    const reading = readCouponCode(line.split(',')[0]);
    if (!reading.ok) throw new Error(`not a code: ${line}`);
    return reading.code;
  });
}

/** Issues a batch as `token` and downloads its codes once. */
export async function issuedCodes(client: HttpClient, token: string, sid: string, request: object): Promise<{ batchId: string; codes: string[] }> {
  const created = await client.post(`/api/v1/sponsors/${sid}/coupon-batches`, request, { token, idempotencyKey: true });
  if (created.status !== 201) throw new Error(`coupon batch: ${created.status} ${JSON.stringify(created.body)}`);
  const download = await client.get(`/api/v1/sponsors/${sid}/coupon-batches/${created.body.id}/codes`, { token });
  if (download.status !== 200) throw new Error(`codes: ${download.status} ${JSON.stringify(download.body)}`);
  return { batchId: created.body.id, codes: codesOfCsv(download.body) };
}
