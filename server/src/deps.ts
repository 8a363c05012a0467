import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Clock } from './platform/clock';
import type { Ledger } from './modules/ledger/ledger';
import type { CarrierGateway } from './carrier/gateway';
import type { RateLimits } from './platform/rate-limits';

/** What every service is built from: passed explicitly, never imported as globals. */
export interface Deps {
  config: Config;
  clock: Clock;
  dataSource: DataSource;
  redis: Redis;
  ledger: Ledger;
  carrier: CarrierGateway;
  logger: Logger;
  limits: RateLimits;
}

/** Every Redis key starts with the configured prefix, so stacks sharing a Redis never collide. */
export const redisKey = (config: Config, ...parts: Array<string | number>) => [config.REDIS_PREFIX, ...parts].join(':');
