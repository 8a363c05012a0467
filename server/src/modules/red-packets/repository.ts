import type { RedPacket, RedPacketCover, RedPacketRecord, RedPacketRecords, RedPacketRole } from '@liuliang/shared';
import { errno, toInt, type Sql, type Tx } from '../../db/sql';
import { facesOf, nicknamesOf } from '../auth';
import type { Share } from './store';
import { opaqueId } from '../../platform/ids';

export interface PacketRow {
  id: string;
  /** Null when an escrow funded the packet (funder_*). */
  sender_id: string | null;
  funder_type: FunderType | null;
  funder_id: string | null;
  funder_name: string | null;
  mode: 'random' | 'equal';
  count: number;
  total_mb: string;
  greeting: string | null;
  passphrase: string | null;
  room_id: string | null;
  status: 'open' | 'finished' | 'expired';
  remaining_count: number;
  remaining_mb: string;
  refunded_mb: string;
  expires_at: Date;
}

/** The escrows that may fund packets besides users' wallets: an activity's (红包雨). */
export type FunderType = 'activity';
/** Who pays for a packet: a user's wallet, or an escrow named by its owner (its leftovers go back there). */
export type PacketSource = { senderId: string } | { funder: { type: FunderType; id: string; name: string } };

export async function insertPacket(
  tx: Tx,
  p: { source: PacketSource; mode: 'random' | 'equal'; shares: number[]; greeting: string | null; passphrase: string | null; roomId: string | null; expiresAt: Date; now: Date },
): Promise<string> {
  const totalMb = p.shares.reduce((a, b) => a + b, 0);
  const packetId = opaqueId();
  const sender = 'senderId' in p.source ? p.source.senderId : null;
  const funder = 'funder' in p.source ? p.source.funder : null;
  await tx.query(
    `INSERT INTO red_packets (id, sender_id, funder_type, funder_id, funder_name, mode, count, total_mb, greeting, passphrase, room_id, status, remaining_count, remaining_mb, expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
    [
      packetId,
      sender,
      funder?.type ?? null,
      funder?.id ?? null,
      funder?.name ?? null,
      p.mode,
      p.shares.length,
      totalMb,
      p.greeting,
      p.passphrase,
      p.roomId,
      p.shares.length,
      totalMb,
      p.expiresAt,
      p.now,
    ],
  );
  const rows = p.shares.map((amountMb, seq) => [packetId, seq, amountMb]);
  await tx.query(`INSERT INTO red_packet_shares (packet_id, seq, amount_mb) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, rows.flat());
  return packetId;
}

export async function findPacket(sql: Sql, packetId: string): Promise<PacketRow | null> {
  const [row]: PacketRow[] = await sql.query('SELECT * FROM red_packets WHERE id = ?', [packetId]);
  return row ?? null;
}

/** Locks the packet's row until the transaction ends: the lock every grab and refund of it queues on. */
export async function lockPacket(tx: Tx, packetId: string): Promise<PacketRow | null> {
  const [row]: PacketRow[] = await tx.query('SELECT * FROM red_packets WHERE id = ? FOR UPDATE', [packetId]);
  return row ?? null;
}

/** A room's packets, newest first, optionally of one status. */
export async function packetsInRoom(sql: Sql, roomId: string, status: PacketRow['status'] | undefined, limit: number): Promise<PacketRow[]> {
  return status
    ? sql.query('SELECT * FROM red_packets WHERE room_id = ? AND status = ? ORDER BY seq DESC LIMIT ?', [roomId, status, limit])
    : sql.query('SELECT * FROM red_packets WHERE room_id = ? ORDER BY seq DESC LIMIT ?', [roomId, limit]);
}

/**
 * A room's open packets that take this passphrase (`undefined`: those without one), newest
 * first, each with whether the user already holds a share of it. The column's collation ignores
 * case and trailing spaces; a passphrase must match exactly, as the grab checks it.
 */
export async function openPacketsInRoom(sql: Sql, roomId: string, userId: string, passphrase: string | undefined, limit: number): Promise<Array<{ id: string; grabbed: boolean }>> {
  const rows: Array<{ id: string; passphrase: string | null; grabbed: number | string }> = await sql.query(
    `SELECT p.id, p.passphrase, EXISTS (SELECT 1 FROM red_packet_grabs g WHERE g.packet_id = p.id AND g.user_id = ?) AS grabbed
       FROM red_packets p
      WHERE p.room_id = ? AND p.status = 'open' AND ${passphrase === undefined ? 'p.passphrase IS NULL' : 'p.passphrase = ?'}
      ORDER BY p.seq DESC LIMIT ?`,
    passphrase === undefined ? [userId, roomId, limit] : [userId, roomId, passphrase, limit],
  );
  return rows
    .filter((row) => (passphrase === undefined ? row.passphrase === null : row.passphrase === passphrase))
    .map((row) => ({ id: String(row.id), grabbed: Number(row.grabbed) !== 0 }));
}

/** The open packets one escrow funded outside any room (an activity's page), newest first, and whether the user holds a share of each. */
export async function openPacketsFundedBy(
  sql: Sql,
  funder: { type: FunderType; id: string },
  userId: string | null,
  limit: number,
): Promise<Array<PacketRow & { grabbed: boolean }>> {
  const rows: Array<PacketRow & { grabbed: number | string }> = await sql.query(
    `SELECT p.*, EXISTS (SELECT 1 FROM red_packet_grabs g WHERE g.packet_id = p.id AND g.user_id = ?) AS grabbed
       FROM red_packets p
      WHERE p.funder_type = ? AND p.funder_id = ? AND p.status = 'open' AND p.room_id IS NULL
      ORDER BY p.seq DESC LIMIT ?`,
    [userId ?? 0, funder.type, funder.id, limit],
  );
  return rows.map((row) => ({ ...row, grabbed: Number(row.grabbed) !== 0 }));
}

/** Asia/Shanghai calendar day of a grab's stored UTC instant, in SQL. */
const SHANGHAI_GRAB_DAY = `DATE_FORMAT(DATE_ADD(g.created_at, INTERVAL 8 HOUR), '%Y-%m-%d')`;

/** What a funder's packets gave out: the grabs, distinct grabbers, and per Asia/Shanghai day of the grab (the latest `maxDays`, newest first). */
export async function grabTotalsFundedBy(
  sql: Sql,
  funder: { type: FunderType; id: string },
  maxDays: number,
): Promise<{ totals: { n: string; people: string }; byDay: Array<{ day: string; mb: string; people: string }> }> {
  const from = 'FROM red_packet_grabs g JOIN red_packets p ON p.id = g.packet_id WHERE p.funder_type = ? AND p.funder_id = ?';
  const [totals] = await sql.query(`SELECT COUNT(*) AS n, COUNT(DISTINCT g.user_id) AS people ${from}`, [funder.type, funder.id]);
  const byDay = await sql.query(`SELECT ${SHANGHAI_GRAB_DAY} AS day, SUM(g.amount_mb) AS mb, COUNT(DISTINCT g.user_id) AS people ${from} GROUP BY day ORDER BY day DESC LIMIT ?`, [
    funder.type,
    funder.id,
    maxDays,
  ]);
  return { totals, byDay };
}

/** Open packets past their expiry, earliest first. */
export async function expiredOpenPacketIds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM red_packets WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?`, [now, limit]);
  return rows.map((r) => String(r.id));
}

/** The newest open packets. */
export async function openPacketIds(sql: Sql, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM red_packets WHERE status = 'open' ORDER BY seq DESC LIMIT ?`, [limit]);
  return rows.map((r) => String(r.id));
}

export async function markExpired(tx: Tx, packetId: string, refundedMb: number, now: Date): Promise<void> {
  await tx.query(`UPDATE red_packets SET status = 'expired', remaining_mb = 0, refunded_mb = ?, settled_at = ? WHERE id = ?`, [refundedMb, now, packetId]);
}

/** What is left of a packet after a batch of grabs; the last share finishes it. */
export async function recordRemaining(tx: Tx, packetId: string, remaining: { count: number; mb: number }, now: Date): Promise<void> {
  const finished = remaining.count === 0;
  await tx.query('UPDATE red_packets SET remaining_count = ?, remaining_mb = ?, status = ?, settled_at = ? WHERE id = ?', [
    remaining.count,
    remaining.mb,
    finished ? 'finished' : 'open',
    finished ? now : null,
    packetId,
  ]);
}

/** Shares MySQL has not given to anyone yet, in draw order. */
export async function freeShares(sql: Sql, packetId: string): Promise<Share[]> {
  const rows: Array<{ seq: number; amount_mb: string }> = await sql.query(
    `SELECT s.seq, s.amount_mb FROM red_packet_shares s
      LEFT JOIN red_packet_grabs g ON g.packet_id = s.packet_id AND g.seq = s.seq
     WHERE s.packet_id = ? AND g.id IS NULL ORDER BY s.seq`,
    [packetId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), amountMb: toInt(r.amount_mb) }));
}

export async function grabsOf(sql: Sql, packetId: string): Promise<Array<{ userId: string; nickname: string; avatarUrl: string | null; share: Share; at: Date }>> {
  const rows: Array<{ user_id: string; seq: number; amount_mb: string; created_at: Date }> = await sql.query(
    'SELECT user_id, seq, amount_mb, created_at FROM red_packet_grabs WHERE packet_id = ? ORDER BY created_at, id',
    [packetId],
  );
  const faces = await facesOf(
    sql,
    rows.map((r) => String(r.user_id)),
  );
  return rows.map((r) => ({
    userId: String(r.user_id),
    nickname: faces.get(String(r.user_id))?.nickname ?? '',
    avatarUrl: faces.get(String(r.user_id))?.avatarUrl ?? null,
    share: { seq: Number(r.seq), amountMb: toInt(r.amount_mb) },
    at: new Date(r.created_at),
  }));
}

export async function grabOf(sql: Sql, packetId: string, userId: string): Promise<Share | null> {
  const [row]: Array<{ seq: number; amount_mb: string }> = await sql.query('SELECT seq, amount_mb FROM red_packet_grabs WHERE packet_id = ? AND user_id = ?', [packetId, userId]);
  return row ? { seq: Number(row.seq), amountMb: toInt(row.amount_mb) } : null;
}

/** The share a user holds with its rank (commit order), or null: the durable answer to their grab. */
export async function grabResultOf(sql: Sql, packetId: string, userId: string): Promise<{ amountMb: number; rank: number } | null> {
  const [row]: Array<{ amount_mb: string; grab_rank: string }> = await sql.query(
    `SELECT g.amount_mb, (SELECT COUNT(*) FROM red_packet_grabs e WHERE e.packet_id = g.packet_id AND e.id <= g.id) AS grab_rank
       FROM red_packet_grabs g WHERE g.packet_id = ? AND g.user_id = ?`,
    [packetId, userId],
  );
  return row ? { amountMb: toInt(row.amount_mb), rank: toInt(row.grab_rank) } : null;
}

export async function isShareTaken(sql: Sql, packetId: string, seq: number): Promise<boolean> {
  const rows: unknown[] = await sql.query('SELECT 1 FROM red_packet_grabs WHERE packet_id = ? AND seq = ?', [packetId, seq]);
  return rows.length > 0;
}

export type GrabInsert = 'inserted' | 'user_has_one' | 'share_taken' | 'no_such_user';

/**
 * Inserts a grab; the two unique keys turn a double grab or a double share into an answer, and
 * the user key a token for a user who does not exist (a forged or stale token). A refused
 * statement leaves the rest of the batch's transaction as it was.
 */
export async function insertGrab(tx: Tx, packetId: string, userId: string, share: Share, now: Date): Promise<GrabInsert> {
  try {
    await tx.query('INSERT INTO red_packet_grabs (packet_id, user_id, seq, amount_mb, created_at) VALUES (?, ?, ?, ?, ?)', [packetId, userId, share.seq, share.amountMb, now]);
    return 'inserted';
  } catch (error) {
    if (errno(error) === 1452) return 'no_such_user';
    if (errno(error) !== 1062) throw error;
    return String((error as Error).message).includes('uq_grab_user') ? 'user_has_one' : 'share_taken';
  }
}

/** Which of these users already hold a share of the packet, and which of these shares are taken. */
export async function grabsAmong(tx: Tx, packetId: string, userIds: readonly string[], seqs: readonly number[]): Promise<{ users: Set<string>; seqs: Set<number> }> {
  const rows: Array<{ user_id: string; seq: number }> = await tx.query(
    `SELECT user_id, seq FROM red_packet_grabs WHERE packet_id = ? AND (user_id IN (${userIds.map(() => '?').join(', ')}) OR seq IN (${seqs.map(() => '?').join(', ')}))`,
    [packetId, ...userIds, ...seqs],
  );
  return { users: new Set(rows.map((r) => String(r.user_id))), seqs: new Set(rows.map((r) => Number(r.seq))) };
}

/**
 * Records several grabs in one statement, in order (ids, hence ranks, follow it). All or none:
 * 'refused' when a unique key or a missing user refuses one of them, and nothing was written.
 */
export async function insertGrabs(tx: Tx, packetId: string, grabs: ReadonlyArray<{ userId: string; share: Share }>, now: Date): Promise<'inserted' | 'refused'> {
  try {
    await tx.query(
      `INSERT INTO red_packet_grabs (packet_id, user_id, seq, amount_mb, created_at) VALUES ${grabs.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      grabs.flatMap((g) => [packetId, g.userId, g.share.seq, g.share.amountMb, now]),
    );
    return 'inserted';
  } catch (error) {
    if (errno(error) === 1452 || errno(error) === 1062) return 'refused';
    throw error;
  }
}

/** The largest share, earliest on a tie (手气最佳). */
export function luckiestOf(grabs: ReadonlyArray<{ userId: string; nickname: string; share: Share; at: Date }>): RedPacket['luckiest'] {
  let best: (typeof grabs)[number] | null = null;
  for (const g of grabs) if (!best || g.share.amountMb > best.share.amountMb) best = g;
  return best ? { userId: best.userId, nickname: best.nickname, amountMb: best.share.amountMb } : null;
}

/** Who a packet is from as people read it: the sender's nickname, or the funder's name (a sponsor). */
async function senderNicknameOf(sql: Sql, row: PacketRow): Promise<string> {
  if (row.sender_id === null) return row.funder_name ?? '';
  return (await nicknamesOf(sql, [String(row.sender_id)])).get(String(row.sender_id)) ?? '';
}

/** The sender's name and uploaded face, for a cover; a sponsor's packet has its funder's name and no face. */
async function senderFaceOf(sql: Sql, row: PacketRow): Promise<{ nickname: string; avatarUrl: string | null }> {
  if (row.sender_id === null) return { nickname: row.funder_name ?? '', avatarUrl: null };
  return (await facesOf(sql, [String(row.sender_id)])).get(String(row.sender_id)) ?? { nickname: '', avatarUrl: null };
}

export async function packetView(sql: Sql, row: PacketRow): Promise<RedPacket> {
  const grabs = await grabsOf(sql, row.id);
  const senderNickname = await senderNicknameOf(sql, row);
  return {
    id: String(row.id),
    mode: row.mode,
    status: row.status,
    senderId: row.sender_id === null ? null : String(row.sender_id),
    senderNickname,
    greeting: row.greeting,
    hasPassphrase: row.passphrase !== null,
    passphrase: row.passphrase,
    roomId: row.room_id,
    count: Number(row.count),
    totalMb: toInt(row.total_mb),
    remainingCount: Number(row.remaining_count),
    remainingMb: toInt(row.remaining_mb),
    expiresAt: new Date(row.expires_at).toISOString(),
    grabs: grabs.map((g) => ({ userId: g.userId, nickname: g.nickname, avatarUrl: g.avatarUrl, amountMb: g.share.amountMb, at: g.at.toISOString() })),
    // Every share of an equal packet is the same: nobody is 手气最佳 there.
    luckiest: row.status === 'finished' && row.mode === 'random' ? luckiestOf(grabs) : null,
  };
}

// ─── 红包记录 and a link's cover (issue 16) ───────────────────────────────────────────────────

/** Larger than any id or seq: the first page starts below it. */
const NO_CURSOR = '18446744073709551615';

/**
 * True when grab `g` is its finished random packet's 手气最佳: no other grab is larger, or as
 * large and earlier (the order `luckiestOf` uses). An equal packet has no luckiest.
 */
const IS_LUCKIEST = `(p.status = 'finished' AND p.mode = 'random' AND NOT EXISTS (
    SELECT 1 FROM red_packet_grabs o WHERE o.packet_id = g.packet_id
       AND (o.amount_mb > g.amount_mb OR (o.amount_mb = g.amount_mb AND (o.created_at < g.created_at OR (o.created_at = g.created_at AND o.id < g.id))))))`;

type RecordRow = PacketRow & { created_at: Date; page_key: string; my_amount_mb: string | null; grabbed_at: Date | null; is_luckiest: number | null };

function recordOf(row: RecordRow, nicknames: ReadonlyMap<string, string>): RedPacketRecord {
  return {
    id: String(row.id),
    mode: row.mode,
    status: row.status,
    senderNickname: row.sender_id === null ? (row.funder_name ?? '') : (nicknames.get(String(row.sender_id)) ?? ''),
    greeting: row.greeting,
    count: Number(row.count),
    totalMb: toInt(row.total_mb),
    remainingCount: Number(row.remaining_count),
    myAmountMb: row.my_amount_mb === null ? null : toInt(row.my_amount_mb),
    luckiest: Number(row.is_luckiest ?? 0) === 1,
    at: new Date(row.grabbed_at ?? row.created_at).toISOString(),
  };
}

/** 红包记录: the packets a user sent, or the shares they grabbed, newest first, with totals over all of them. */
export async function listRecords(sql: Sql, userId: string, role: RedPacketRole, limit: number, cursor: string | undefined): Promise<RedPacketRecords> {
  const before = cursor && /^\d{1,20}$/.test(cursor) ? cursor : NO_CURSOR;
  const rows: RecordRow[] =
    role === 'sent'
      ? await sql.query(
          `SELECT p.*, p.seq AS page_key, NULL AS my_amount_mb, NULL AS grabbed_at, NULL AS is_luckiest
             FROM red_packets p WHERE p.sender_id = ? AND p.seq < ? ORDER BY p.seq DESC LIMIT ?`,
          [userId, before, limit + 1],
        )
      : await sql.query(
          `SELECT p.*, g.id AS page_key, g.amount_mb AS my_amount_mb, g.created_at AS grabbed_at, ${IS_LUCKIEST} AS is_luckiest
             FROM red_packet_grabs g JOIN red_packets p ON p.id = g.packet_id
            WHERE g.user_id = ? AND g.id < ? ORDER BY g.id DESC LIMIT ?`,
          [userId, before, limit + 1],
        );
  const page = rows.slice(0, limit);
  const [totals] =
    role === 'sent'
      ? await sql.query('SELECT COUNT(*) AS n, COALESCE(SUM(total_mb), 0) AS mb, 0 AS lucky FROM red_packets WHERE sender_id = ?', [userId])
      : await sql.query(
          `SELECT COUNT(*) AS n, COALESCE(SUM(g.amount_mb), 0) AS mb, COALESCE(SUM(${IS_LUCKIEST}), 0) AS lucky
             FROM red_packet_grabs g JOIN red_packets p ON p.id = g.packet_id WHERE g.user_id = ?`,
          [userId],
        );
  const nicknames = await nicknamesOf(sql, [...new Set(page.flatMap((row) => (row.sender_id === null ? [] : [String(row.sender_id)])))]);
  return {
    items: page.map((row) => recordOf(row, nicknames)),
    nextCursor: rows.length > limit ? String(page[page.length - 1].page_key) : null,
    summary: { count: toInt(totals.n), totalMb: toInt(totals.mb), luckiestCount: toInt(totals.lucky) },
  };
}

/** The public cover of a packet (what its link shows before sign-in); see RedPacketCoverSchema. */
export async function coverOf(sql: Sql, row: PacketRow): Promise<RedPacketCover> {
  const sender = await senderFaceOf(sql, row);
  const roomPacket = row.room_id !== null;
  return {
    id: String(row.id),
    mode: row.mode,
    status: row.status,
    senderNickname: sender.nickname,
    senderAvatarUrl: sender.avatarUrl,
    greeting: roomPacket ? null : row.greeting,
    hasPassphrase: row.passphrase !== null,
    roomPacket,
  };
}
