import { isDuplicateKey, toInt, type Sql } from '../../db/sql';
import { opaqueId } from '../../platform/ids';

/** The rows of share groups, their members and their pool's movements (this module's tables only). */

export interface GroupRow {
  id: string;
  owner_id: string;
  name: string;
  monthly_quota_mb: string;
  status: 'active' | 'closed';
  created_at: Date;
}

export interface MemberRow {
  id: string;
  group_id: string;
  phone: string;
  user_id: string | null;
  added_at: Date;
  joined_at: Date | null;
}

export type MovementKind = 'fund' | 'draw' | 'reclaim' | 'close';

/** `id` comes from opaqueId(), drawn before the insert so that the request's outcome can be recorded first. */
export async function insertGroup(sql: Sql, g: { id: string; ownerId: string; name: string; monthlyQuotaMb: number; now: Date }): Promise<void> {
  await sql.query(`INSERT INTO share_groups (id, owner_id, name, monthly_quota_mb, status, created_at) VALUES (?, ?, ?, ?, 'active', ?)`, [
    g.id,
    g.ownerId,
    g.name,
    g.monthlyQuotaMb,
    g.now,
  ]);
}

/** `forUpdate` locks the group's row: every change to a group and its pool is serialised on it. */
export async function findGroup(sql: Sql, groupId: string, forUpdate = false): Promise<GroupRow | null> {
  const [row] = await sql.query(`SELECT id, owner_id, name, monthly_quota_mb, status, created_at FROM share_groups WHERE id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [groupId]);
  return row ?? null;
}

export async function closeGroup(sql: Sql, groupId: string, now: Date): Promise<void> {
  await sql.query(`UPDATE share_groups SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'active'`, [now, groupId]);
}

/** The group a user belongs to (owner or member), or null. */
export async function groupIdOfUser(sql: Sql, userId: string): Promise<string | null> {
  const [row] = await sql.query('SELECT group_id FROM share_group_members WHERE user_id = ?', [userId]);
  return row ? String(row.group_id) : null;
}

/** The group a number belongs to, registered or still pending, or null. */
export async function groupIdOfPhone(sql: Sql, phone: string): Promise<string | null> {
  const [row] = await sql.query('SELECT group_id FROM share_group_members WHERE phone = ?', [phone]);
  return row ? String(row.group_id) : null;
}

export async function membersOf(sql: Sql, groupId: string): Promise<MemberRow[]> {
  return sql.query('SELECT id, group_id, phone, user_id, added_at, joined_at FROM share_group_members WHERE group_id = ? ORDER BY seq', [groupId]);
}

export async function countMembers(sql: Sql, groupId: string): Promise<number> {
  const [row] = await sql.query('SELECT COUNT(*) AS n FROM share_group_members WHERE group_id = ?', [groupId]);
  return toInt(row.n);
}

/**
 * Adds a number to a group; `already_in_group` when the number belongs to a group already
 * (the unique phone and user keys decide, whatever races).
 */
export async function insertMember(sql: Sql, m: { groupId: string; phone: string; userId: string | null; now: Date }): Promise<{ memberId: string } | 'already_in_group'> {
  const memberId = opaqueId();
  try {
    await sql.query('INSERT INTO share_group_members (id, group_id, phone, user_id, added_at, joined_at) VALUES (?, ?, ?, ?, ?, ?)', [
      memberId,
      m.groupId,
      m.phone,
      m.userId,
      m.now,
      m.userId ? m.now : null,
    ]);
    return { memberId };
  } catch (error) {
    if (isDuplicateKey(error)) return 'already_in_group';
    throw error;
  }
}

/**
 * A member of the group named by their user id (digits) or by their membership id (a number
 * still pending has only that). The ref's shape picks the one column it is compared with: MySQL
 * compares a string with the numeric user_id as a number, so "12zz…" (a membership id that
 * starts with digits, or junk) would otherwise also name user 12.
 */
export async function findMember(sql: Sql, groupId: string, memberRef: string): Promise<MemberRow | null> {
  const column = /^\d{1,20}$/.test(memberRef) ? 'user_id' : 'id';
  const [row] = await sql.query(`SELECT id, group_id, phone, user_id, added_at, joined_at FROM share_group_members WHERE group_id = ? AND ${column} = ?`, [groupId, memberRef]);
  return row ?? null;
}

export async function deleteMember(sql: Sql, memberId: string): Promise<void> {
  await sql.query('DELETE FROM share_group_members WHERE id = ?', [memberId]);
}

export async function deleteAllMembers(sql: Sql, groupId: string): Promise<void> {
  await sql.query('DELETE FROM share_group_members WHERE group_id = ?', [groupId]);
}

/** A number that signs in for the first time becomes the user of the membership waiting for it. */
export async function joinPendingMembership(sql: Sql, phone: string, userId: string, now: Date): Promise<boolean> {
  const joined = await sql.query('UPDATE share_group_members SET user_id = ?, joined_at = ? WHERE phone = ? AND user_id IS NULL', [userId, now, phone]);
  return toInt(joined.affectedRows) === 1;
}

export async function insertMovement(sql: Sql, m: { groupId: string; userId: string; kind: MovementKind; amountMb: number; month: string; now: Date }): Promise<string> {
  const inserted = await sql.query('INSERT INTO share_group_movements (group_id, user_id, kind, amount_mb, month, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    m.groupId,
    m.userId,
    m.kind,
    m.amountMb,
    m.month,
    m.now,
  ]);
  return String(inserted.insertId);
}

/** What each user drew from the group in the given month, by user id. */
export async function drawnInMonth(sql: Sql, groupId: string, month: string): Promise<Map<string, number>> {
  const rows: Array<{ user_id: string; drawn_mb: string }> = await sql.query(
    `SELECT user_id, SUM(amount_mb) AS drawn_mb FROM share_group_movements WHERE group_id = ? AND month = ? AND kind = 'draw' GROUP BY user_id`,
    [groupId, month],
  );
  return new Map(rows.map((r) => [String(r.user_id), toInt(r.drawn_mb)]));
}

export async function drawnByUserInMonth(sql: Sql, groupId: string, userId: string, month: string): Promise<number> {
  const [row] = await sql.query(`SELECT COALESCE(SUM(amount_mb), 0) AS drawn_mb FROM share_group_movements WHERE group_id = ? AND user_id = ? AND month = ? AND kind = 'draw'`, [
    groupId,
    userId,
    month,
  ]);
  return toInt(row.drawn_mb);
}

/** Everything the pool holds by this module's own record: funds minus draws, reclaims and the close. */
export async function poolNetMb(sql: Sql, groupId: string): Promise<number> {
  const [row] = await sql.query(`SELECT COALESCE(SUM(CASE kind WHEN 'fund' THEN amount_mb ELSE -amount_mb END), 0) AS net_mb FROM share_group_movements WHERE group_id = ?`, [
    groupId,
  ]);
  return toInt(row.net_mb);
}
