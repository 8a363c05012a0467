import type { OperatorRole } from '@liuliang/shared';
import { inTransaction } from '../db/sql';
import type { HttpClient } from './http-client';
import type { TestStack } from './stack';
import { grantOperatorRole } from '../modules/sponsors/service';

/** What the sponsors' tests share: operators made as the CLI makes them, and a few requests. */
export async function grantOperator(stack: TestStack, phone: string, role: OperatorRole): Promise<void> {
  await inTransaction(stack.server.deps.dataSource, (sql) => grantOperatorRole(sql, phone, role, 'test', stack.server.deps.clock.now()));
}

export function activityRequest(at: Date, overrides: Record<string, unknown> = {}) {
  return {
    type: 'signin',
    title: '每日签到',
    startsAt: new Date(at.getTime() - 60_000).toISOString(),
    endsAt: new Date(at.getTime() + 10 * 24 * 60 * 60 * 1000).toISOString(),
    budgetMb: 1000,
    perUserCapMb: 500,
    reward: { mode: 'fixed', amountMb: 10 },
    templates: { rewarded: '{nickname}，你获得 {amount}（{sponsor}）' },
    ...overrides,
  };
}

/** A sponsor owned by `ownerPhone`, topped up with `budgetMb`, made by the admin `adminToken`. */
export async function sponsorWithBudget(client: HttpClient, adminToken: string, ownerPhone: string, budgetMb: number): Promise<string> {
  const created = await client.post('/api/v1/ops/sponsors', { name: `赞助商${ownerPhone.slice(-4)}`, ownerPhone }, { token: adminToken, idempotencyKey: true });
  if (created.status !== 201) throw new Error(`sponsor: ${created.status} ${JSON.stringify(created.body)}`);
  const sid: string = created.body.id;
  const topup = await client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb: budgetMb, reference: `inv-${sid.slice(0, 8)}` }, { token: adminToken, idempotencyKey: true });
  if (topup.status !== 201) throw new Error(`topup: ${topup.status} ${JSON.stringify(topup.body)}`);
  return sid;
}

/** A published activity of `sid`, created and published by the member `token`. */
export async function publishedActivity(client: HttpClient, token: string, sid: string, request: object): Promise<string> {
  const created = await client.post(`/api/v1/sponsors/${sid}/activities`, request, { token });
  if (created.status !== 201) throw new Error(`activity: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await client.post(`/api/v1/sponsors/${sid}/activities/${created.body.id}/publish`, undefined, { token, idempotencyKey: true });
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
  return created.body.id;
}
