import { inTransaction } from '../../db/sql';
import type { Deps } from '../../deps';
import { opaqueId } from '../../platform/ids';
import { findSupplierByName, insertSupplier } from './repository';
import { sealSupplierSecret } from './secrets';

/**
 * Development only (`npm start`): two suppliers the carrier simulator plays, registered here and
 * there with the same development secrets, so a cash-out works at once. The simulator keeps its
 * suppliers in memory, so it is told about them on every start; the rows are made once.
 * To watch an order move to the other supplier, set the first one to fail:
 * `curl -XPOST localhost:4010/admin/suppliers -H 'content-type: application/json' -d '{"name":"sim-primary","behaviour":"refuse"}'`.
 */
const DEV_SUPPLIERS = [
  { name: 'sim-primary', secret: 'dev-supplier-secret-primary-0001', priority: 10 },
  { name: 'sim-backup', secret: 'dev-supplier-secret-backup-00002', priority: 5 },
] as const;

export async function seedDevSuppliers(deps: Pick<Deps, 'config' | 'clock' | 'dataSource'>, simUrl: string): Promise<number> {
  if (deps.config.NODE_ENV !== 'development') throw new Error(`demo suppliers are seeded in development only, not in ${deps.config.NODE_ENV}`);
  let created = 0;
  for (const supplier of DEV_SUPPLIERS) {
    const told = await fetch(`${simUrl}/admin/suppliers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: supplier.name, secret: supplier.secret, behaviour: 'ok', callbackDelayMs: 1500 }),
    });
    if (!told.ok) throw new Error(`the carrier simulator at ${simUrl} refused supplier ${supplier.name}: ${told.status}`);
    created += await inTransaction(deps.dataSource, async (tx) => {
      if (await findSupplierByName(tx, supplier.name)) return 0;
      await insertSupplier(tx, {
        id: opaqueId(),
        name: supplier.name,
        endpoint: `${simUrl}/suppliers/${supplier.name}`,
        secretSealed: sealSupplierSecret(deps.config, supplier.secret),
        carriers: ['cmcc', 'unicom', 'telecom'],
        provinces: [],
        priority: supplier.priority,
        dailyCapMb: 10 * 1024 * 1024,
        enabled: true,
        now: deps.clock.now(),
      });
      return 1;
    });
  }
  return created;
}
