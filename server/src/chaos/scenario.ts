import type { SeededUser } from '../test-support/users';
import { sendOnce, sendWithRetries, type LogicalRequest, type Outcome } from './client';
import type { ChaosStack } from './stack';

/** Pieces the chaos tests share: small scripted scenarios over a ChaosStack. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export function depositRequest(user: SeededUser, amountMb: number, key: string): LogicalRequest {
  return { method: 'POST', path: '/api/v1/storage/deposits', token: user.token, key, body: { amountMb } };
}

export function giftRequest(from: SeededUser, to: SeededUser, key: string): LogicalRequest {
  return { method: 'POST', path: '/api/v1/gifts', token: from.token, key, body: { toPhone: to.phone, amountMb: 10, message: key } };
}

export function grabRequest(user: SeededUser, packetId: string, key: string): LogicalRequest {
  return { method: 'POST', path: `/api/v1/red-packets/${packetId}/grab`, token: user.token, key, body: {} };
}

/** One attempt at one process, the error kept rather than thrown: what a single tap sees. */
export async function tryOnce(base: string, request: LogicalRequest, timeoutMs = 20_000): Promise<{ status: number; body: any; retryAfter: string | null; transport: string }> {
  try {
    const answer = await sendOnce(base, request, timeoutMs);
    return { status: answer.status, body: answer.body, retryAfter: answer.headers.get('retry-after'), transport: '' };
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string } };
    return { status: 0, body: null, retryAfter: null, transport: e?.name === 'TimeoutError' ? 'TIMEOUT' : (e?.cause?.code ?? String(error)) };
  }
}

/** The carrier's succeeded deductions for one phone and amount: one logical deposit. */
export async function deductionsFor(stack: ChaosStack, user: SeededUser, amountMb: number): Promise<number> {
  return (await stack.sim.listDeductions(user.phone)).filter((d) => d.status === 'succeeded' && d.amountMb === amountMb).length;
}

export async function depositRowsFor(stack: ChaosStack, user: SeededUser, amountMb: number): Promise<Array<{ id: string; status: string; credited: number }>> {
  const rows: Array<{ id: string; status: string; credited: string }> = await stack.sql.query(
    `SELECT d.id, d.status, (SELECT COUNT(*) FROM transfers t WHERE t.kind = 'deposit' AND t.ref_type = 'deposit' AND t.ref_id = CAST(d.id AS CHAR) COLLATE utf8mb4_unicode_ci) AS credited
       FROM deposits d WHERE d.user_id = ? AND d.amount_mb = ?`,
    [user.userId, amountMb],
  );
  return rows.map((r) => ({ id: String(r.id), status: r.status, credited: Number(r.credited) }));
}

/** Creates a link packet through the first process, as its sender would. */
export async function createPacket(stack: ChaosStack, sender: SeededUser, count: number, totalMb: number, key: string): Promise<string> {
  const answer = await sendWithRetries(() => stack.urls(), 0, {
    method: 'POST',
    path: '/api/v1/red-packets',
    token: sender.token,
    key,
    body: { mode: 'random', count, totalMb, greeting: key },
  });
  if (!answer.acknowledged) throw new Error(`packet creation answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return String(answer.body.id);
}

/** Distinct users grab one packet at once over every process, each retrying with its own key. */
export function grabStorm(
  stack: ChaosStack,
  grabbers: readonly SeededUser[],
  packetId: string,
  tag: string,
): Array<{ user: SeededUser; request: LogicalRequest; outcome: Promise<Outcome> }> {
  return grabbers.map((user, i) => {
    const request = grabRequest(user, packetId, `${tag}-${i}`);
    return { user, request, outcome: sendWithRetries(() => stack.urls(), i, request) };
  });
}

export async function grabsOf(stack: ChaosStack, packetId: string): Promise<Map<string, number>> {
  const rows: Array<{ user_id: string; amount_mb: string }> = await stack.sql.query('SELECT user_id, amount_mb FROM red_packet_grabs WHERE packet_id = ?', [packetId]);
  return new Map(rows.map((r) => [String(r.user_id), Number(r.amount_mb)]));
}

/** Wallet credits from one packet, per user: more than one for a user is a share paid twice. */
export async function grabCreditsOf(stack: ChaosStack, packetId: string): Promise<Map<string, number>> {
  const rows: Array<{ user_id: string; n: string }> = await stack.sql.query(
    `SELECT a.owner_user_id AS user_id, COUNT(*) AS n FROM transfers t JOIN accounts a ON a.id = t.to_account_id
      WHERE t.kind = 'red_packet_grab' AND t.ref_type = 'red_packet' AND t.ref_id = ? GROUP BY a.owner_user_id`,
    [packetId],
  );
  return new Map(rows.map((r) => [String(r.user_id), Number(r.n)]));
}
