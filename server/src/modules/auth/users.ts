import { maskPhone, type Counterparty, type User } from '@liuliang/shared';
import type { Sql, InsertResult, Read, Tx } from '../../db/sql';
import { isDuplicateKey } from '../../db/sql';
import type { RandomSource } from '../../platform/random';

interface UserRow {
  id: string;
  phone: string;
  nickname: string;
  carrier: User['carrier'];
  province: string;
  avatar_id: string | null;
  created_at: Date;
}

/** Where an uploaded face is served: public (an <img> sends no token), named by an opaque id. */
const avatarUrl = (avatarId: string) => `/api/v1/avatars/${avatarId}`;

const toUser = (r: UserRow): User => ({
  id: String(r.id),
  phone: r.phone,
  nickname: r.nickname,
  carrier: r.carrier,
  province: r.province,
  avatarUrl: r.avatar_id ? avatarUrl(r.avatar_id) : null,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function findUserById(sql: Sql, id: string): Promise<User | null> {
  const [row]: UserRow[] = await sql.query('SELECT * FROM users WHERE id = ?', [id]);
  return row ? toUser(row) : null;
}

/**
 * Users as others see them in a history: nickname and masked number, in one query for a whole
 * page. Ids that name no user are left out.
 */
export async function describeUsers(sql: Sql, ids: readonly string[]): Promise<Map<string, Extract<Counterparty, { type: 'user' }>>> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return new Map();
  const rows: Array<{ id: string; nickname: string; phone: string }> = await sql.query(
    `SELECT id, nickname, phone FROM users WHERE id IN (${distinct.map(() => '?').join(', ')})`,
    distinct,
  );
  return new Map(rows.map((r) => [String(r.id), { type: 'user', nickname: r.nickname, maskedPhone: maskPhone(r.phone) }]));
}

/**
 * Locks the user's row until the transaction ends: the lock that serialises one user's gifts,
 * deposits and bindings while their limits are checked. Returns whether the user exists.
 */
export async function lockUser(tx: Tx, id: string): Promise<boolean> {
  const rows: Array<{ id: string }> = await tx.query('SELECT id FROM users WHERE id = ? FOR UPDATE', [id]);
  return rows.length > 0;
}

/** Nicknames by user id, in one query; ids that name no user are left out. */
export async function nicknamesOf(sql: Sql, ids: readonly string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return new Map();
  const rows: Array<{ id: string; nickname: string }> = await sql.query(`SELECT id, nickname FROM users WHERE id IN (${distinct.map(() => '?').join(', ')})`, distinct);
  return new Map(rows.map((r) => [String(r.id), r.nickname]));
}

/** Names and faces by user id, in one query (a face is null when none was uploaded); ids that name no user are left out. */
export async function facesOf(sql: Sql, ids: readonly string[]): Promise<Map<string, { nickname: string; avatarUrl: string | null }>> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return new Map();
  const rows: Array<{ id: string; nickname: string; avatar_id: string | null }> = await sql.query(
    `SELECT id, nickname, avatar_id FROM users WHERE id IN (${distinct.map(() => '?').join(', ')})`,
    distinct,
  );
  return new Map(rows.map((r) => [String(r.id), { nickname: r.nickname, avatarUrl: r.avatar_id ? avatarUrl(r.avatar_id) : null }]));
}

/** User ids by phone, in one query; phones that name no user are left out. */
export async function userIdsByPhone(sql: Sql, phones: readonly string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(phones)];
  if (distinct.length === 0) return new Map();
  const rows: Array<{ id: string; phone: string }> = await sql.query(`SELECT id, phone FROM users WHERE phone IN (${distinct.map(() => '?').join(', ')})`, distinct);
  return new Map(rows.map((r) => [r.phone, String(r.id)]));
}

/**
 * The phones of the users a subquery names (it selects user ids), as SQL to nest in another
 * module's statement: how a module that keys rows by user asks for phones without writing SQL
 * on the users table itself.
 */
export function phonesOfUsersSql(userIdsSql: string): string {
  return `SELECT phone FROM users WHERE id IN (${userIdsSql})`;
}

export async function findUserByPhone(sql: Sql, phone: string): Promise<User | null> {
  const read = userByPhone(phone);
  return read.parse(await sql.query(read.sql, read.params));
}

/** The same read, for a caller that sends it along with its own statements in one round trip. */
export function userByPhone(phone: string): Read<User | null> {
  return { sql: 'SELECT * FROM users WHERE phone = ?', params: [phone], parse: (rows) => ((rows as UserRow[])[0] ? toUser((rows as UserRow[])[0]) : null) };
}

/** Letters only, without I and O: nothing to mistake for a digit, and nothing read as a number. */
export const NICKNAME_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export const NICKNAME_SUFFIX_CHARS = 6;
export const DEFAULT_NICKNAME_PATTERN = new RegExp(`^用户[${NICKNAME_ALPHABET}]{${NICKNAME_SUFFIX_CHARS}}$`);

/**
 * "用户KQXWMB": the name others see in chats and packet lists until the user picks one. It used
 * to be "用户" + the phone's last four digits, which told every grabber of a packet part of the
 * sender's number; now it says nothing about the number. Uniqueness is not needed (the id is).
 */
export function defaultNickname(random: RandomSource): string {
  let suffix = '';
  for (let i = 0; i < NICKNAME_SUFFIX_CHARS; i++) suffix += NICKNAME_ALPHABET[Math.floor(random() * NICKNAME_ALPHABET.length)];
  return `用户${suffix}`;
}

/** Inserts the user unless the phone is taken; returns whether this call created it. */
export async function insertUser(
  sql: Sql,
  user: { phone: string; carrier: string; province: string; now: Date },
  random: RandomSource = Math.random,
): Promise<{ user: User; created: boolean }> {
  try {
    const result: InsertResult = await sql.query(
      'INSERT INTO users (phone, nickname, carrier, province, created_at) VALUES (?, ?, ?, ?, ?)',
      [user.phone, defaultNickname(random), user.carrier, user.province, user.now],
    );
    return { user: (await findUserById(sql, String(result.insertId)))!, created: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return { user: (await findUserByPhone(sql, user.phone))!, created: false };
  }
}

/** Changes the name others see (grab lists, histories, the bot); validated by the caller's schema. */
export async function updateNickname(sql: Sql, id: string, nickname: string): Promise<void> {
  await sql.query('UPDATE users SET nickname = ? WHERE id = ?', [nickname, id]);
}

/** Who an audience takes in (an activity's targeting), and a subquery of user ids it leaves out. */
export interface UserAudience {
  provinces: readonly string[];
  carriers: readonly string[];
  /** Signed up strictly after this instant; null: any time. */
  createdAfter: Date | null;
  /** Ids to leave out: a subquery of one column that the caller's module owns. */
  excludeIdsIn?: { sql: string; params: readonly unknown[] };
  /** Only these ids: a subquery of one column that the caller's module owns. */
  onlyIdsIn?: { sql: string; params: readonly unknown[] };
}

function audienceWhere(audience: UserAudience): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (audience.provinces.length > 0) {
    clauses.push(`province IN (${audience.provinces.map(() => '?').join(',')})`);
    params.push(...audience.provinces);
  }
  if (audience.carriers.length > 0) {
    clauses.push(`carrier IN (${audience.carriers.map(() => '?').join(',')})`);
    params.push(...audience.carriers);
  }
  if (audience.createdAfter) {
    clauses.push('created_at > ?');
    params.push(audience.createdAfter);
  }
  if (audience.excludeIdsIn) {
    clauses.push(`id NOT IN (${audience.excludeIdsIn.sql})`);
    params.push(...audience.excludeIdsIn.params);
  }
  if (audience.onlyIdsIn) {
    clauses.push(`id IN (${audience.onlyIdsIn.sql})`);
    params.push(...audience.onlyIdsIn.params);
  }
  return { sql: clauses.length > 0 ? clauses.join(' AND ') : '1 = 1', params };
}

/** One page of an audience, by ascending id after `afterId`: a cursor a resumed job continues from. */
export async function usersInAudience(sql: Sql, audience: UserAudience, afterId: string, limit: number): Promise<User[]> {
  const where = audienceWhere(audience);
  const rows: UserRow[] = await sql.query(`SELECT * FROM users WHERE id > ? AND ${where.sql} ORDER BY id LIMIT ?`, [afterId, ...where.params, limit]);
  return rows.map(toUser);
}

export async function countUsersInAudience(sql: Sql, audience: UserAudience): Promise<number> {
  const where = audienceWhere(audience);
  const [row] = await sql.query(`SELECT COUNT(*) AS n FROM users WHERE ${where.sql}`, where.params);
  return Number(row.n);
}
