import { PageQuerySchema, WalletEntrySchema, WalletSchema, pageOf } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser } from '../auth';
import type { Deps } from '../../deps';
import type { LedgerRegistry } from '../../modules/ledger/registry';
import { DEFAULT_PAGE_SIZE, readWallet, readWalletEntries } from '../../modules/ledger/wallet';

export function addWalletRoutes(api: Api, deps: Deps, registry: LedgerRegistry): void {
  api.add({ method: 'get', path: '/wallet', tag: 'wallet', summary: 'Balance, lots by expiry, and what expires soon', access: 'user', response: WalletSchema }, async (ctx) =>
    readWallet(deps.dataSource.manager, deps.clock, callerUser(ctx).id, deps.config.EXPIRING_SOON_DAYS),
  );
  api.add(
    {
      method: 'get',
      path: '/wallet/entries',
      tag: 'wallet',
      summary: "The user's history, newest first",
      access: 'user',
      query: PageQuerySchema,
      response: pageOf(WalletEntrySchema),
    },
    async (ctx, { query }) => readWalletEntries(deps.dataSource.manager, registry, callerUser(ctx).id, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor),
  );
}
