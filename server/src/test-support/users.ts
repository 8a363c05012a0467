import { issueToken } from '../modules/auth/tokens';
import { opaqueId } from '../platform/ids';
import { inTransaction } from '../db/sql';
import { walletCode } from '../modules/ledger/accounts';
import { defaultNickname } from '../modules/auth/users';
import type { TestStack } from './stack';

/**
 * Registers many users at once, for storms of a thousand grabbers: the rows sign-in would
 * write, and a token each (sign-in itself is tested through SMS codes elsewhere).
 */
export async function seedUsers(stack: TestStack, count: number, phonePrefix: string): Promise<Array<{ userId: string; phone: string; nickname: string; token: string }>> {
  const { dataSource, ledger, clock } = stack.server.deps;
  const phones = Array.from({ length: count }, (_, i) => `${phonePrefix}${String(i).padStart(11 - phonePrefix.length, '0')}`);
  return inTransaction(dataSource, async (sql) => {
    const now = clock.now();
    const users = [];
    for (const phone of phones) {
      const nickname = defaultNickname(Math.random);
      const result = await sql.query(`INSERT INTO users (phone, nickname, carrier, province, created_at) VALUES (?, ?, 'cmcc', '广东', ?)`, [phone, nickname, now]);
      const userId = String(result.insertId);
      await ledger.ensureAccount(sql, walletCode(userId), userId);
      users.push({ userId, phone, nickname, token: issueToken(stack.config.JWT_SECRET, userId, opaqueId(), stack.config.ACCESS_TOKEN_SECONDS) });
    }
    return users;
  });
}
