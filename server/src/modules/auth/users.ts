import type { User } from '@liuliang/shared';
import type { Sql, InsertResult } from '../../db/sql';
import { isDuplicateKey } from '../../db/sql';

interface UserRow {
  id: string;
  phone: string;
  nickname: string;
  carrier: User['carrier'];
  province: string;
  created_at: Date;
}

const toUser = (r: UserRow): User => ({
  id: String(r.id),
  phone: r.phone,
  nickname: r.nickname,
  carrier: r.carrier,
  province: r.province,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function findUserById(sql: Sql, id: string): Promise<User | null> {
  const [row] = await sql.query('SELECT * FROM users WHERE id = ?', [id]);
  return row ? toUser(row) : null;
}

export async function findUserByPhone(sql: Sql, phone: string): Promise<User | null> {
  const [row] = await sql.query('SELECT * FROM users WHERE phone = ?', [phone]);
  return row ? toUser(row) : null;
}

export const defaultNickname = (phone: string) => `用户${phone.slice(-4)}`;

/** Inserts the user unless the phone is taken; returns whether this call created it. */
export async function insertUser(
  sql: Sql,
  user: { phone: string; carrier: string; province: string; now: Date },
): Promise<{ user: User; created: boolean }> {
  try {
    const result: InsertResult = await sql.query(
      'INSERT INTO users (phone, nickname, carrier, province, created_at) VALUES (?, ?, ?, ?, ?)',
      [user.phone, defaultNickname(user.phone), user.carrier, user.province, user.now],
    );
    return { user: (await findUserById(sql, String(result.insertId)))!, created: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return { user: (await findUserByPhone(sql, user.phone))!, created: false };
  }
}
