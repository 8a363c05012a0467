import type { RedPacketCover, RedPacketRecord, RedPacketRecords, RedPacketRole } from '@liuliang/shared';
import { toInt, type Sql } from '../../db/sql';
import type { PacketRow } from './repository';

/** Larger than any id or seq: the first page starts below it. */
const NO_CURSOR = '18446744073709551615';

/**
 * True when grab `g` is its finished random packet's 手气最佳: no other grab is larger, or as
 * large and earlier (the order `luckiestOf` uses). An equal packet has no luckiest.
 */
const IS_LUCKIEST = `(p.status = 'finished' AND p.mode = 'random' AND NOT EXISTS (
    SELECT 1 FROM red_packet_grabs o WHERE o.packet_id = g.packet_id
       AND (o.amount_mb > g.amount_mb OR (o.amount_mb = g.amount_mb AND (o.created_at < g.created_at OR (o.created_at = g.created_at AND o.id < g.id))))))`;

type RecordRow = PacketRow & { sender_nickname: string; created_at: Date; page_key: string; my_amount_mb: string | null; grabbed_at: Date | null; is_luckiest: number | null };

function recordOf(row: RecordRow): RedPacketRecord {
  return {
    id: String(row.id),
    mode: row.mode,
    status: row.status,
    senderNickname: row.sender_nickname,
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
          `SELECT p.*, u.nickname AS sender_nickname, p.seq AS page_key, NULL AS my_amount_mb, NULL AS grabbed_at, NULL AS is_luckiest
             FROM red_packets p JOIN users u ON u.id = p.sender_id
            WHERE p.sender_id = ? AND p.seq < ? ORDER BY p.seq DESC LIMIT ?`,
          [userId, before, limit + 1],
        )
      : await sql.query(
          `SELECT p.*, u.nickname AS sender_nickname, g.id AS page_key, g.amount_mb AS my_amount_mb, g.created_at AS grabbed_at, ${IS_LUCKIEST} AS is_luckiest
             FROM red_packet_grabs g JOIN red_packets p ON p.id = g.packet_id JOIN users u ON u.id = p.sender_id
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
  return {
    items: page.map(recordOf),
    nextCursor: rows.length > limit ? String(page[page.length - 1].page_key) : null,
    summary: { count: toInt(totals.n), totalMb: toInt(totals.mb), luckiestCount: toInt(totals.lucky) },
  };
}

/** The public cover of a packet (what its link shows before sign-in); see RedPacketCoverSchema. */
export async function coverOf(sql: Sql, row: PacketRow): Promise<RedPacketCover> {
  const [sender] = await sql.query('SELECT nickname FROM users WHERE id = ?', [row.sender_id]);
  const roomPacket = row.room_id !== null;
  return {
    id: String(row.id),
    mode: row.mode,
    status: row.status,
    senderNickname: sender?.nickname ?? '',
    greeting: roomPacket ? null : row.greeting,
    hasPassphrase: row.passphrase !== null,
    roomPacket,
  };
}
