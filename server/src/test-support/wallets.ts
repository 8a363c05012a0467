import { inTransaction } from '../db/sql';
import { EXTERNAL_ACCOUNTS, walletCode } from '../modules/ledger/accounts';
import type { Deps } from '../deps';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Puts data into wallets through the ledger (from the carrier-plan account, as a deposit would),
 * with the expiry a test needs: quicker than banking plan data for a hundred users, and the
 * only way to give a lot a chosen short life.
 */
export async function fundWallets(
  deps: Pick<Deps, 'dataSource' | 'ledger' | 'clock'>,
  userIds: readonly string[],
  amountMb: number,
  expiresAt: Date = new Date(deps.clock.now().getTime() + 90 * DAY_MS),
): Promise<void> {
  await inTransaction(deps.dataSource, async (sql) => {
    for (const userId of userIds) {
      await deps.ledger.transfer(sql, {
        fromCode: EXTERNAL_ACCOUNTS.carrierPlan,
        toCode: walletCode(userId),
        amountMb,
        kind: 'adjustment',
        ref: { type: 'test_seed', id: userId },
        expiresAt,
      });
    }
  });
}

/** A wallet's balance straight from the ledger's accounts. */
export async function balanceOf(deps: Pick<Deps, 'dataSource'>, userId: string): Promise<number> {
  const [row] = await deps.dataSource.query('SELECT balance_mb FROM accounts WHERE code = ?', [walletCode(userId)]);
  return Number(row?.balance_mb ?? 0);
}
