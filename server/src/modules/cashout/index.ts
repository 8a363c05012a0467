/** Cash-out's public entry (SPEC §3.7): the services the composition root builds and the routes call. */
export { CashoutService } from './service';
export { CashoutOpsService } from './ops';
export { ReconciliationService, reconciliationCsv } from './reconciliation';
export { seedDevSuppliers } from './dev-seed';
