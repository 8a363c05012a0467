import { issueToken } from '../modules/auth/tokens';
import { opaqueId } from '../platform/ids';
import { inTransaction } from '../db/sql';
import { walletCode } from '../modules/ledger/accounts';
import { defaultNickname } from '../modules/auth/users';
import type { Deps } from '../deps';
import type { Config } from '../config';
import type { TestStack } from './stack';

export type SeededUser = { userId: string; phone: string; nickname: string; token: string };

/**
 * Registers many users at once, for storms of a thousand grabbers: the rows sign-in would
 * write, and a token each (sign-in itself is tested through SMS codes elsewhere).
 */
export async function seedUsers(stack: TestStack, count: number, phonePrefix: string): Promise<SeededUser[]> {
  return seedUsersInto(stack.server.deps, stack.config, count, phonePrefix);
}

/** The same, straight into a database, for harnesses whose servers run as separate processes. */
export async function seedUsersInto(
  deps: Pick<Deps, 'dataSource' | 'ledger' | 'clock'>,
  tokens: Pick<Config, 'JWT_SECRET' | 'ACCESS_TOKEN_SECONDS'>,
  count: number,
  phonePrefix: string,
): Promise<SeededUser[]> {
  const { dataSource, ledger, clock } = deps;
  const phones = Array.from({ length: count }, (_, i) => `${phonePrefix}${String(i).padStart(11 - phonePrefix.length, '0')}`);
  return inTransaction(dataSource, async (sql) => {
    const now = clock.now();
    const users = [];
    for (const phone of phones) {
      const nickname = defaultNickname(Math.random);
      const result = await sql.query(`INSERT INTO users (phone, nickname, carrier, province, created_at) VALUES (?, ?, 'cmcc', '广东', ?)`, [phone, nickname, now]);
      const userId = String(result.insertId);
      await ledger.ensureAccount(sql, walletCode(userId), userId);
      users.push({ userId, phone, nickname, token: issueToken(tokens.JWT_SECRET, userId, opaqueId(), tokens.ACCESS_TOKEN_SECONDS) });
    }
    return users;
  });
}
