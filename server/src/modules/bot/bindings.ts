import type { BotBinding } from '@liuliang/shared';
import type { Sql } from '../../db/sql';
import { findUserById } from '../auth';

/**
 * The data layer of the bot's view of the chat: which chat contact stands for which user
 * (bot_bindings), and which contacts are in which room (room_members). Membership is kept by
 * contact, not by user, so a member who binds later can grab at once.
 */

/** Rows per INSERT when a room's member list is written: keeps each statement small. */
const MEMBER_INSERT_CHUNK = 500;

export async function findBinding(sql: Sql, contactId: string): Promise<BotBinding | null> {
  const [row]: Array<{ contact_id: string; user_id: string }> = await sql.query('SELECT contact_id, user_id FROM bot_bindings WHERE contact_id = ?', [contactId]);
  // The binding's user_id is a foreign key: the user is there.
  const user = row ? await findUserById(sql, String(row.user_id)) : null;
  return row && user ? { contactId: row.contact_id, userId: user.id, phone: user.phone, nickname: user.nickname } : null;
}

/**
 * Makes `contactId` the one contact of `userId`: the contact's earlier binding (to another
 * phone) is replaced, and any other contact bound to this user is released. Call with the
 * user's row locked, so two bindings of one user cannot interleave.
 */
export async function bindContact(sql: Sql, contactId: string, userId: string, now: Date): Promise<void> {
  await sql.query('DELETE FROM bot_bindings WHERE user_id = ? AND contact_id <> ?', [userId, contactId]);
  await sql.query(
    'INSERT INTO bot_bindings (contact_id, user_id, created_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), created_at = VALUES(created_at)',
    [contactId, userId, now],
  );
}

/** Whether the user's bound contact is on the room's member list (membership is by contact). */
export async function isUserInRoom(sql: Sql, roomId: string, userId: string): Promise<boolean> {
  const rows: unknown[] = await sql.query(
    'SELECT 1 FROM room_members m JOIN bot_bindings b ON b.contact_id = m.contact_id WHERE m.room_id = ? AND b.user_id = ? LIMIT 1',
    [roomId, userId],
  );
  return rows.length > 0;
}

/** Of these rooms, the ones the bot has told the service about (it keeps each room's member list). */
export async function knownRoomIds(sql: Sql, roomIds: readonly string[]): Promise<Set<string>> {
  if (roomIds.length === 0) return new Set();
  const rows: Array<{ room_id: string }> = await sql.query(`SELECT DISTINCT room_id FROM room_members WHERE room_id IN (${roomIds.map(() => '?').join(', ')})`, [...roomIds]);
  return new Set(rows.map((r) => r.room_id));
}

export async function countMembers(sql: Sql, roomId: string): Promise<number> {
  const [row] = await sql.query('SELECT COUNT(*) AS n FROM room_members WHERE room_id = ?', [roomId]);
  return Number(row.n);
}

/** Replaces a room's member list; members who stay keep their joined_at. */
export async function replaceMembers(sql: Sql, roomId: string, contactIds: readonly string[], now: Date): Promise<void> {
  if (contactIds.length === 0) {
    await sql.query('DELETE FROM room_members WHERE room_id = ?', [roomId]);
    return;
  }
  await sql.query(`DELETE FROM room_members WHERE room_id = ? AND contact_id NOT IN (${contactIds.map(() => '?').join(',')})`, [roomId, ...contactIds]);
  for (let start = 0; start < contactIds.length; start += MEMBER_INSERT_CHUNK) {
    const chunk = contactIds.slice(start, start + MEMBER_INSERT_CHUNK);
    await sql.query(
      `INSERT IGNORE INTO room_members (room_id, contact_id, joined_at) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      chunk.flatMap((contactId) => [roomId, contactId, now]),
    );
  }
}

export async function addMember(sql: Sql, roomId: string, contactId: string, now: Date): Promise<void> {
  await sql.query('INSERT IGNORE INTO room_members (room_id, contact_id, joined_at) VALUES (?, ?, ?)', [roomId, contactId, now]);
}

export async function removeMember(sql: Sql, roomId: string, contactId: string): Promise<void> {
  await sql.query('DELETE FROM room_members WHERE room_id = ? AND contact_id = ?', [roomId, contactId]);
}

/** Which of these users have a bound chat contact (the bot can reach them). */
export async function usersWithContact(sql: Sql, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows: Array<{ user_id: string }> = await sql.query(`SELECT DISTINCT user_id FROM bot_bindings WHERE user_id IN (${userIds.map(() => '?').join(',')})`, [...userIds]);
  return new Set(rows.map((r) => String(r.user_id)));
}
