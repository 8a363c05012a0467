import { loadConfig } from '../config';
import type { Deps } from '../deps';
import { createApi, type Services } from '../app';
import { buildOpenApi } from './openapi';

/** The OpenAPI document from the route declarations alone: no database or Redis needed. */
export function currentOpenApiDocument(): Record<string, unknown> {
  // Route declarations only close over their dependencies; nothing is called while declaring.
  // Every route the code can serve is described, the opt-in dev outbox included.
  const deps = { config: loadConfig({}, { NODE_ENV: 'development', DEV_OUTBOX: true }) } as unknown as Deps;
  return buildOpenApi(createApi(deps, {} as Services).routes);
}

export const OPENAPI_FILE = 'openapi.json';
