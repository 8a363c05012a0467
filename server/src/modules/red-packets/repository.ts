import type { RedPacket } from '@liuliang/shared';
import { errno, toInt, type Sql } from '../../db/sql';
import type { Share } from './store';
import { opaqueId } from '../../platform/ids';

export interface PacketRow {
  id: string;
  sender_id: string;
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

export async function insertPacket(
  sql: Sql,
  p: { senderId: string; mode: 'random' | 'equal'; shares: number[]; greeting: string | null; passphrase: string | null; roomId: string | null; expiresAt: Date; now: Date },
): Promise<string> {
  const totalMb = p.shares.reduce((a, b) => a + b, 0);
  const packetId = opaqueId();
  await sql.query(
    `INSERT INTO red_packets (id, sender_id, mode, count, total_mb, greeting, passphrase, room_id, status, remaining_count, remaining_mb, expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
    [packetId, p.senderId, p.mode, p.shares.length, totalMb, p.greeting, p.passphrase, p.roomId, p.shares.length, totalMb, p.expiresAt, p.now],
  );
  const rows = p.shares.map((amountMb, seq) => [packetId, seq, amountMb]);
  await sql.query(`INSERT INTO red_packet_shares (packet_id, seq, amount_mb) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, rows.flat());
  return packetId;
}

export async function findPacket(sql: Sql, packetId: string, forUpdate = false): Promise<PacketRow | null> {
  const [row] = await sql.query(`SELECT * FROM red_packets WHERE id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [packetId]);
  return row ?? null;
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

export async function grabsOf(sql: Sql, packetId: string): Promise<Array<{ userId: string; nickname: string; share: Share; at: Date }>> {
  const rows: Array<{ user_id: string; nickname: string; seq: number; amount_mb: string; created_at: Date }> = await sql.query(
    `SELECT g.user_id, u.nickname, g.seq, g.amount_mb, g.created_at FROM red_packet_grabs g JOIN users u ON u.id = g.user_id
      WHERE g.packet_id = ? ORDER BY g.created_at, g.id`,
    [packetId],
  );
  return rows.map((r) => ({ userId: String(r.user_id), nickname: r.nickname, share: { seq: Number(r.seq), amountMb: toInt(r.amount_mb) }, at: new Date(r.created_at) }));
}

export async function grabOf(sql: Sql, packetId: string, userId: string): Promise<Share | null> {
  const [row] = await sql.query('SELECT seq, amount_mb FROM red_packet_grabs WHERE packet_id = ? AND user_id = ?', [packetId, userId]);
  return row ? { seq: Number(row.seq), amountMb: toInt(row.amount_mb) } : null;
}

/** The share a user holds with its rank (commit order), or null: the durable answer to their grab. */
export async function grabResultOf(sql: Sql, packetId: string, userId: string): Promise<{ amountMb: number; rank: number } | null> {
  const [row] = await sql.query(
    `SELECT g.amount_mb, (SELECT COUNT(*) FROM red_packet_grabs e WHERE e.packet_id = g.packet_id AND e.id <= g.id) AS grab_rank
       FROM red_packet_grabs g WHERE g.packet_id = ? AND g.user_id = ?`,
    [packetId, userId],
  );
  return row ? { amountMb: toInt(row.amount_mb), rank: toInt(row.grab_rank) } : null;
}

export async function isShareTaken(sql: Sql, packetId: string, seq: number): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM red_packet_grabs WHERE packet_id = ? AND seq = ?', [packetId, seq]);
  return rows.length > 0;
}

export type GrabInsert = 'inserted' | 'user_has_one' | 'share_taken' | 'no_such_user';

/**
 * Inserts a grab; the two unique keys turn a double grab or a double share into an answer, and
 * the user key a token for a user who does not exist (a forged or stale token). A refused
 * statement leaves the rest of the batch's transaction as it was.
 */
export async function insertGrab(sql: Sql, packetId: string, userId: string, share: Share, now: Date): Promise<GrabInsert> {
  try {
    await sql.query('INSERT INTO red_packet_grabs (packet_id, user_id, seq, amount_mb, created_at) VALUES (?, ?, ?, ?, ?)', [packetId, userId, share.seq, share.amountMb, now]);
    return 'inserted';
  } catch (error) {
    if (errno(error) === 1452) return 'no_such_user';
    if (errno(error) !== 1062) throw error;
    return String((error as Error).message).includes('uq_grab_user') ? 'user_has_one' : 'share_taken';
  }
}

/** The largest share, earliest on a tie (手气最佳). */
export function luckiestOf(grabs: ReadonlyArray<{ userId: string; nickname: string; share: Share; at: Date }>): RedPacket['luckiest'] {
  let best: (typeof grabs)[number] | null = null;
  for (const g of grabs) if (!best || g.share.amountMb > best.share.amountMb) best = g;
  return best ? { userId: best.userId, nickname: best.nickname, amountMb: best.share.amountMb } : null;
}

export async function packetView(sql: Sql, row: PacketRow): Promise<RedPacket> {
  const grabs = await grabsOf(sql, row.id);
  const [sender] = await sql.query('SELECT nickname FROM users WHERE id = ?', [row.sender_id]);
  return {
    id: String(row.id),
    mode: row.mode,
    status: row.status,
    senderId: String(row.sender_id),
    senderNickname: sender?.nickname ?? '',
    greeting: row.greeting,
    hasPassphrase: row.passphrase !== null,
    passphrase: row.passphrase,
    roomId: row.room_id,
    count: Number(row.count),
    totalMb: toInt(row.total_mb),
    remainingCount: Number(row.remaining_count),
    remainingMb: toInt(row.remaining_mb),
    expiresAt: new Date(row.expires_at).toISOString(),
    grabs: grabs.map((g) => ({ userId: g.userId, nickname: g.nickname, amountMb: g.share.amountMb, at: g.at.toISOString() })),
    // Every share of an equal packet is the same: nobody is 手气最佳 there.
    luckiest: row.status === 'finished' && row.mode === 'random' ? luckiestOf(grabs) : null,
  };
}
