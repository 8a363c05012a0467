import type { Config } from '../../config';
import { seal, unseal } from '../../platform/seal';

/**
 * Suppliers' secrets are sealed at rest (AES-256-GCM under a key derived from CODE_HASH_KEY for
 * this purpose alone): a copy of the database does not let anyone sign as a supplier. They are
 * opened only to sign a request or check a callback, and never returned by the API.
 */
const sealingKey = (config: Pick<Config, 'CODE_HASH_KEY'>) => `supplier-secret:${config.CODE_HASH_KEY}`;

export const sealSupplierSecret = (config: Pick<Config, 'CODE_HASH_KEY'>, secret: string) => seal(sealingKey(config), secret);
export const openSupplierSecret = (config: Pick<Config, 'CODE_HASH_KEY'>, sealed: string) => unseal(sealingKey(config), sealed);
