import { httpClient, signIn } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, sponsorWithBudget } from '../../test-support/sponsors';
import { LEDGER_REGISTRY } from '../../ledger-registrations';
import { auditLedger } from '../ledger/audit';

describe('fund warnings with two server processes', () => {
  let stack: TestStack;
  let other: ServerProcess;
  beforeAll(async () => {
    stack = await startTestStack();
    other = await spawnServer(stack.config, { LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await other.stop();
    await stack.close();
  });

  it('sends each level’s warning once per contact and channel when 50 publishes race over two processes through both levels', async () => {
    await grantOperator(stack, '13940000001', 'admin');
    const admin = await signIn(stack.client, '13940000001');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13940000002', 5000);
    const owner = await signIn(stack.client, '13940000002');
    const contacts = [{ phone: '13940000021', email: 'ops@race.example' }, { email: 'cfo@race.example' }];
    expect((await stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { warnMb: 2500, alertMb: 500, contacts }, { token: owner.token })).status).toBe(200);
    const drafts: string[] = [];
    for (let i = 0; i < 50; i++)
      drafts.push((await stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(new Date(), { budgetMb: 100 }), { token: owner.token })).body.id);
    const urls = [stack.url, other.url];
    const answers = await Promise.all(
      drafts.map((aid, i) => httpClient(urls[i % 2]).post(`/api/v1/sponsors/${sid}/activities/${aid}/publish`, undefined, { token: owner.token, idempotencyKey: true })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(50);

    const rows: Array<{ template: string; channel: string; recipient: string; n: string }> = await stack.server.deps.dataSource.query(
      `SELECT template, channel, recipient, COUNT(*) AS n FROM outbox WHERE template IN (?, ?) GROUP BY template, channel, recipient`,
      [`fund_warn:${sid}`, `fund_alert:${sid}`],
    );
    expect(rows.map((r) => `${r.template.split(':')[0]} ${r.channel} ${r.recipient} ×${r.n}`).sort()).toEqual([
      'fund_alert email cfo@race.example ×1',
      'fund_alert email ops@race.example ×1',
      'fund_alert sms 13940000021 ×1',
      'fund_warn email cfo@race.example ×1',
      'fund_warn email ops@race.example ×1',
      'fund_warn sms 13940000021 ×1',
    ]);
    expect(await auditLedger(stack.server.deps.dataSource.manager, LEDGER_REGISTRY)).toEqual([]);
  });
});
