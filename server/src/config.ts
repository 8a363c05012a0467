import { z } from 'zod';

/**
 * Configuration, read and validated once at start-up and passed explicitly (STYLE: no module
 * reads process.env on its own). Numbers marked (config) in SPEC are defaults here.
 */
const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (fallback: number) => z.coerce.number().int().default(fallback);

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: int(3000),
  DATABASE_URL: z.string().default('mysql://root@127.0.0.1:3306/liuliang'),
  /** Connections per process; processes × pool must stay under the server's max_connections. */
  DB_POOL_SIZE: int(20),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so several stacks (tests) can share one Redis. */
  REDIS_PREFIX: z.string().default('ll'),
  JWT_SECRET: z.string().min(16).default('dev-jwt-secret-change-me-please'),
  BOT_TOKEN: z.string().min(8).default('dev-bot-token'),
  CARRIER_URL: z.string().default('http://127.0.0.1:4010'),
  CARRIER_SECRET: z.string().default('dev-carrier-secret'),
  CARRIER_TIMEOUT_MS: int(3000),
  MESSAGE_PROVIDER_URL: z.string().default('http://127.0.0.1:4010'),
  /** The SMS/e-mail provider's own key: a leak at one party must not let anyone sign as us to the other. */
  MESSAGE_PROVIDER_SECRET: z.string().default('dev-message-provider-secret'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOBS_ENABLED: boolean.default(true),
  /** Scale of the background jobs' repeat intervals; tests shrink it to see sweeps quickly. */
  JOB_INTERVAL_MS: int(30_000),
  H5_DIR: z.string().optional(),
  BODY_LIMIT_BYTES: int(64 * 1024),

  // Banking plan data (SPEC §3.1)
  DEPOSIT_MIN_MB: int(10),
  DEPOSIT_MONTHLY_CAP_MB: int(10_240),
  DEPOSIT_EXPIRY_MONTHS: int(3),

  // Gifts (SPEC §3.2)
  GIFT_MIN_MB: int(10),
  GIFT_MAX_MB: int(10_240),
  GIFT_DAILY_LIMIT: int(3),
  GIFT_WEEKLY_LIMIT: int(5),
  GIFT_MONTHLY_LIMIT: int(10),
  GIFT_CLAIM_HOURS: int(72),

  // Red packets (SPEC §3.3)
  RED_PACKET_MAX_TOTAL_MB: int(102_400),
  RED_PACKET_VALID_SECONDS: int(24 * 60 * 60),

  // Wallet view: lots expiring within this many days count as "expiring soon".
  EXPIRING_SOON_DAYS: int(7),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return { ...parsed.data, ...overrides };
}
