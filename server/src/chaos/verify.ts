import type { DataSource } from 'typeorm';
import type { CarrierSimAdmin } from '../carrier-sim/admin-client';
import type { Attempt } from './client';
import type { OpKind, OpRecord } from './workload';

/**
 * Reads what a phase's requests did from the database and the carrier's own records, and
 * sets it beside what the client was told. Definitions (the chaos report's columns):
 * - lost: answered 2xx, but its effect is not in the database;
 * - duplicated: one key whose effect exists twice (two gift or packet rows, two carrier
 *   deductions or deposits for one logical deposit, a grab credited twice);
 * - answered wrong: its effect is in the database exactly once, but the final answer does not
 *   say so (a committed grab answered ALREADY_GRABBED on retry, a done gift answered 5xx);
 * - pending: a deposit the carrier may have deducted, not yet settled when the phase ended.
 */

export interface KindTally {
  tried: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  answeredWrong: number;
  pending: number;
  examples: string[];
}

export type Tally = Record<OpKind, KindTally> & { total: KindTally };

const MAX_EXAMPLES = 3;

function emptyTally(): KindTally {
  return { tried: 0, acknowledged: 0, lost: 0, duplicated: 0, answeredWrong: 0, pending: 0, examples: [] };
}

function note(t: KindTally, what: 'lost' | 'duplicated' | 'answeredWrong' | 'pending', example: string): void {
  t[what]++;
  if (t.examples.length < MAX_EXAMPLES) t.examples.push(`${what}: ${example}`);
}

function finalAnswer(op: OpRecord): string {
  const o = op.outcome;
  if (!o) return 'no outcome';
  const last = o.attempts[o.attempts.length - 1];
  return `${o.status}${last?.errorCode ? ` ${last.errorCode}` : ''}${last?.transport ? ` ${last.transport}` : ''} after ${o.attempts.length} attempt(s)`;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

async function queryIn<T>(sql: DataSource, template: (ph: string) => string, values: readonly unknown[]): Promise<T[]> {
  if (values.length === 0) return [];
  const rows: T[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    rows.push(...((await sql.query(template(placeholders(chunk.length)), chunk)) as T[]));
  }
  return rows;
}

export async function verifyPhase(sql: DataSource, sim: CarrierSimAdmin, ops: readonly OpRecord[]): Promise<Tally> {
  const tally = { gift: emptyTally(), deposit: emptyTally(), packet: emptyTally(), grab: emptyTally(), total: emptyTally() } as Tally;
  for (const op of ops) {
    tally[op.kind].tried++;
    if (op.outcome?.acknowledged) tally[op.kind].acknowledged++;
  }
  await verifyGifts(
    sql,
    ops.filter((o) => o.kind === 'gift'),
    tally.gift,
  );
  await verifyDeposits(
    sql,
    sim,
    ops.filter((o) => o.kind === 'deposit'),
    tally.deposit,
  );
  await verifyPackets(
    sql,
    ops.filter((o) => o.kind === 'packet'),
    tally.packet,
  );
  await verifyGrabs(
    sql,
    ops.filter((o) => o.kind === 'grab'),
    tally.grab,
  );
  for (const kind of ['gift', 'deposit', 'packet', 'grab'] as const) {
    for (const field of ['tried', 'acknowledged', 'lost', 'duplicated', 'answeredWrong', 'pending'] as const) tally.total[field] += tally[kind][field];
    tally.total.examples.push(...tally[kind].examples.map((e) => `${kind} ${e}`));
  }
  return tally;
}

async function verifyGifts(sql: DataSource, ops: readonly OpRecord[], t: KindTally): Promise<void> {
  const rows = await queryIn<{ id: string; message: string; transfers: string }>(
    sql,
    (
      ph,
    ) => `SELECT g.id, g.message, (SELECT COUNT(*) FROM transfers t WHERE t.ref_type = 'gift' AND t.ref_id = CAST(g.id AS CHAR) COLLATE utf8mb4_unicode_ci AND t.kind IN ('gift', 'gift_escrow')) AS transfers
               FROM gifts g WHERE g.message IN (${ph})`,
    ops.map((o) => o.key),
  );
  const byKey = groupBy(rows, (r) => r.message);
  for (const op of ops) {
    const found = byKey.get(op.key) ?? [];
    const moved = found.filter((r) => Number(r.transfers) > 0);
    if (found.length > 1 || moved.some((r) => Number(r.transfers) > 1)) note(t, 'duplicated', `${op.key} has ${found.length} gift rows`);
    if (op.outcome?.acknowledged) {
      const answeredId = String(op.outcome.body?.id);
      if (!moved.some((r) => String(r.id) === answeredId)) note(t, 'lost', `${op.key} answered gift ${answeredId}, not in the database`);
    } else if (moved.length === 1) note(t, 'answeredWrong', `${op.key} was given (gift ${moved[0].id}) but answered ${finalAnswer(op)}`);
  }
}

async function verifyDeposits(sql: DataSource, sim: CarrierSimAdmin, ops: readonly OpRecord[], t: KindTally): Promise<void> {
  const deductions = (await sim.listDeductions()).filter((d) => d.status === 'succeeded');
  const deducted = groupBy(deductions, (d) => `${d.phone}:${d.amountMb}`);
  const rows = await queryIn<{ id: string; user_id: string; amount_mb: string; status: string; transfers: string }>(
    sql,
    (
      ph,
    ) => `SELECT d.id, d.user_id, d.amount_mb, d.status, (SELECT COUNT(*) FROM transfers t WHERE t.ref_type = 'deposit' AND t.ref_id = CAST(d.id AS CHAR) COLLATE utf8mb4_unicode_ci AND t.kind = 'deposit') AS transfers
               FROM deposits d WHERE d.amount_mb IN (${ph})`,
    ops.map((o) => o.amountMb),
  );
  const stored = groupBy(rows, (r) => `${r.user_id}:${r.amount_mb}`);
  for (const op of ops) {
    const atCarrier = deducted.get(`${op.user.phone}:${op.amountMb}`) ?? [];
    const mine = stored.get(`${op.user.userId}:${op.amountMb}`) ?? [];
    const live = mine.filter((r) => r.status !== 'failed');
    const credited = mine.filter((r) => Number(r.transfers) > 0);
    if (atCarrier.length > 1 || live.length > 1 || credited.length > 1 || credited.some((r) => Number(r.transfers) > 1)) {
      note(t, 'duplicated', `${op.key}: ${atCarrier.length} carrier deductions, ${live.length} deposits not failed, ${credited.length} credited`);
    }
    if (live.some((r) => r.status === 'pending')) note(t, 'pending', `${op.key} still pending`);
    if (op.outcome?.acknowledged) {
      const answered = op.outcome.body as { id?: unknown; status?: unknown };
      const row = mine.find((r) => String(r.id) === String(answered.id));
      const lost = !row || (answered.status === 'completed' && Number(row.transfers) === 0) || (row.status === 'completed' && atCarrier.length === 0);
      if (lost)
        note(t, 'lost', `${op.key} answered deposit ${String(answered.id)} ${String(answered.status)}; row ${row ? `${row.status}, ${row.transfers} transfer(s)` : 'missing'}`);
    } else if (credited.length === 1) note(t, 'answeredWrong', `${op.key} was credited (deposit ${credited[0].id}) but answered ${finalAnswer(op)}`);
  }
}

async function verifyPackets(sql: DataSource, ops: readonly OpRecord[], t: KindTally): Promise<void> {
  const rows = await queryIn<{ id: string; greeting: string; transfers: string }>(
    sql,
    (ph) => `SELECT p.id, p.greeting, (SELECT COUNT(*) FROM transfers t WHERE t.ref_type = 'red_packet' AND t.ref_id = p.id AND t.kind = 'red_packet_fund') AS transfers
               FROM red_packets p WHERE p.greeting IN (${ph})`,
    ops.map((o) => o.key),
  );
  const byKey = groupBy(rows, (r) => r.greeting);
  for (const op of ops) {
    const found = (byKey.get(op.key) ?? []).filter((r) => Number(r.transfers) > 0);
    if (found.length > 1) note(t, 'duplicated', `${op.key} has ${found.length} funded packets`);
    if (op.outcome?.acknowledged) {
      if (!found.some((r) => r.id === op.outcome!.body?.id)) note(t, 'lost', `${op.key} answered packet ${String(op.outcome.body?.id)}, not funded in the database`);
    } else if (found.length === 1) note(t, 'answeredWrong', `${op.key} was funded (packet ${found[0].id}) but answered ${finalAnswer(op)}`);
  }
}

async function verifyGrabs(sql: DataSource, ops: readonly OpRecord[], t: KindTally): Promise<void> {
  const packetIds = [...new Set(ops.map((o) => o.packetId!))];
  const grabs = await queryIn<{ packet_id: string; user_id: string; amount_mb: string }>(
    sql,
    (ph) => `SELECT packet_id, user_id, amount_mb FROM red_packet_grabs WHERE packet_id IN (${ph})`,
    packetIds,
  );
  const credits = await queryIn<{ ref_id: string; user_id: string; n: string; total: string }>(
    sql,
    (ph) => `SELECT t.ref_id, a.owner_user_id AS user_id, COUNT(*) AS n, SUM(t.amount_mb) AS total FROM transfers t JOIN accounts a ON a.id = t.to_account_id
              WHERE t.kind = 'red_packet_grab' AND t.ref_type = 'red_packet' AND t.ref_id IN (${ph}) GROUP BY t.ref_id, a.owner_user_id`,
    packetIds,
  );
  const grabOf = groupBy(grabs, (g) => `${g.packet_id}:${g.user_id}`);
  const creditOf = new Map(credits.map((c) => [`${c.ref_id}:${c.user_id}`, c]));
  for (const op of ops) {
    const id = `${op.packetId}:${op.user.userId}`;
    const rows = grabOf.get(id) ?? [];
    const credit = creditOf.get(id);
    if (rows.length > 1 || (credit && Number(credit.n) > 1))
      note(t, 'duplicated', `${op.key}: ${rows.length} grab rows, ${credit?.n ?? 0} credits for one user on packet ${op.packetId}`);
    const committedMb = rows.length === 1 && credit ? Number(rows[0].amount_mb) : null;
    if (op.outcome?.acknowledged) {
      const answeredMb = Number(op.outcome.body?.amountMb);
      if (committedMb === null) note(t, 'lost', `${op.key} answered ${answeredMb} MB, no credited grab in the database`);
      else if (committedMb !== answeredMb) note(t, 'answeredWrong', `${op.key} answered ${answeredMb} MB, the database holds ${committedMb} MB`);
    } else if (committedMb !== null) note(t, 'answeredWrong', `${op.key} was credited ${committedMb} MB but answered ${finalAnswer(op)}`);
  }
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = map.get(key) ?? [];
    list.push(row);
    map.set(key, list);
  }
  return map;
}

/** Buckets of this width decide whether the service is answering again. */
const RECOVERY_BUCKET_MS = 500;
/** A bucket counts as recovered when at most this share of its attempts failed. */
const RECOVERED_FAILURE_SHARE = 0.1;

const failed = (a: Attempt) => a.status === 0 || a.status >= 500 || (a.status === 409 && a.errorCode === 'IDEMPOTENCY_IN_FLIGHT');

/**
 * Seconds from the end of the fault until requests succeed again: the start of the first
 * half-second from which on no more than 10% of the new requests sent in it failed at their
 * first attempt, up to when the load stopped. null when that never happened. Retries of keys
 * stuck in flight are not new requests: they are counted as duplicated or answered wrong.
 */
export function recoverySeconds(ops: readonly OpRecord[], faultEndedAt: number, loadStoppedAt: number): number | null {
  const buckets = new Map<number, { total: number; failed: number }>();
  for (const op of ops) {
    for (const attempt of (op.outcome?.attempts ?? []).slice(0, 1)) {
      if (attempt.sentAt < faultEndedAt || attempt.sentAt >= loadStoppedAt) continue;
      const b = Math.floor((attempt.sentAt - faultEndedAt) / RECOVERY_BUCKET_MS);
      const bucket = buckets.get(b) ?? { total: 0, failed: 0 };
      bucket.total++;
      if (failed(attempt)) bucket.failed++;
      buckets.set(b, bucket);
    }
  }
  const indexes = [...buckets.keys()].sort((a, b) => a - b);
  let recoveredFrom: number | null = null;
  for (const b of indexes) {
    const bucket = buckets.get(b)!;
    const bad = bucket.failed / bucket.total > RECOVERED_FAILURE_SHARE;
    if (bad) recoveredFrom = null;
    else if (recoveredFrom === null) recoveredFrom = b;
  }
  return recoveredFrom === null ? null : (recoveredFrom * RECOVERY_BUCKET_MS) / 1000;
}
