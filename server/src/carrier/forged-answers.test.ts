import { createServer, type Server } from 'node:http';
import { signIn } from '../test-support/http-client';
import { startTestStack, type TestStack } from '../test-support/stack';

/**
 * The service behind a man in the middle who answers every deduction "succeeded" without the
 * carrier ever seeing it, and relays everything else untouched. (SPEC §3.1: credited only on
 * the carrier's confirmation.)
 */
describe('a deposit whose carrier answer is forged', () => {
  const TIMEOUT_MS = 1_000;
  let stack: TestStack;
  let relay: Server;
  let simUrl = '';

  beforeAll(async () => {
    relay = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        if (req.url === '/plans/deduct') {
          const { requestId, amountMb } = JSON.parse(rawBody) as { requestId: string; amountMb: number };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requestId, status: 'succeeded', amountMb, remainingMb: 0 }));
          return;
        }
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'x-timestamp', 'x-nonce', 'x-signature']) headers[name] = String(req.headers[name] ?? '');
        fetch(`${simUrl}${req.url}`, { method: 'POST', headers, body: rawBody }).then(async (answer) => {
          const relayed: Record<string, string> = { 'content-type': 'application/json' };
          for (const name of ['x-timestamp', 'x-signature']) relayed[name] = answer.headers.get(name) ?? '';
          res.writeHead(answer.status, relayed).end(await answer.text());
        }, () => res.destroy());
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const { port } = relay.address() as { port: number };
    stack = await startTestStack({ CARRIER_URL: `http://127.0.0.1:${port}`, CARRIER_TIMEOUT_MS: TIMEOUT_MS });
    simUrl = stack.simUrl;
  });
  afterAll(async () => {
    await stack.close();
    relay.closeAllConnections();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });

  it('credits nothing on a forged "succeeded", keeps it pending, and fails it once the carrier is asked', async () => {
    const phone = '13500000901';
    const user = await signIn(stack.client, phone);
    await stack.sim.setPlan({ phone, totalMb: 10_240, usedMb: 0 });

    const deposit = await stack.client.post('/api/v1/storage/deposits', { amountMb: 500 }, { token: user.token, idempotencyKey: true });
    expect(deposit.body).toMatchObject({ status: 'pending', amountMb: 500 });
    expect((await stack.client.get('/api/v1/wallet', { token: user.token })).body.balanceMb).toBe(0);

    // Reconciliation waits a few carrier timeouts before asking; the query reaches the real carrier.
    await new Promise((resolve) => setTimeout(resolve, 2 * TIMEOUT_MS + 50));
    expect(await stack.server.services.storage.reconcilePending()).toBe(1);
    expect((await stack.client.get(`/api/v1/storage/deposits/${deposit.body.id}`, { token: user.token })).body.status).toBe('failed');
    expect((await stack.client.get('/api/v1/wallet', { token: user.token })).body.balanceMb).toBe(0);
    expect(await stack.sim.listDeductions(phone)).toEqual([]);
  });
});
