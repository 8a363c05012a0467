import { z } from 'zod';
import { OutboxItemSchema } from '@liuliang/shared';
import type { Api } from '../api';
import type { Deps } from '../../deps';
import { listOutbox, MAX_OUTBOX_PAGE } from '../../modules/outbox/outbox';

/**
 * The outbox as developers and tests read it (SPEC §6): it holds live sign-in codes, so it is
 * served only when DEV_OUTBOX=1 asks for it (`npm start` and the tests do), and never in production.
 */
export function addDevOutboxRoutes(api: Api, deps: Deps): void {
  if (!deps.config.DEV_OUTBOX || deps.config.NODE_ENV === 'production') return;
  api.add(
    {
      method: 'get',
      path: '/dev/outbox',
      tag: 'dev',
      summary: 'Messages the product sent (development and test only)',
      access: 'none',
      query: z.object({ to: z.string().max(128).optional(), limit: z.coerce.number().int().min(1).max(MAX_OUTBOX_PAGE).optional() }),
      response: z.object({ items: z.array(OutboxItemSchema) }),
    },
    async (_ctx, { query }) => ({ items: await listOutbox(deps.dataSource.manager, query.to, query.limit ?? 20, deps.config.CODE_HASH_KEY) }),
  );
}
