import { z } from 'zod';

/**
 * Configuration, read and validated once at start-up and passed explicitly (STYLE: no module
 * reads process.env on its own). Numbers marked (config) in SPEC are defaults here.
 */
/**
 * Development values of every secret: public (they are in this file), so production refuses
 * to start while any secret still has one of them.
 */
export const DEV_SECRETS = {
  JWT_SECRET: 'dev-jwt-secret-change-me-please',
  BOT_TOKEN: 'dev-bot-token',
  CODE_HASH_KEY: 'dev-code-hash-key-change-me',
  COUPON_KEK: 'dev-coupon-kek-change-me-please',
  COUPON_HASH_KEY: 'dev-coupon-hash-key-change-me-please',
  CARRIER_SECRET: 'dev-carrier-secret',
  MESSAGE_PROVIDER_SECRET: 'dev-message-provider-secret',
} as const;
type SecretName = keyof typeof DEV_SECRETS;
const SECRET_NAMES = Object.keys(DEV_SECRETS) as SecretName[];
/** A secret shorter than this is guessable offline from one signed token. */
export const MIN_SECRET_BYTES = 32;

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
  /** Where the service listens; development defaults to loopback so a laptop's service is not on the network. */
  HOST: z.string().optional(),
  /** Serve the message outbox (live sign-in codes) at /api/v1/dev/outbox: opt-in, never in production. */
  DEV_OUTBOX: boolean.default(false),
  /** Believe X-Forwarded-For for the client's address: only behind a proxy that sets it. */
  TRUST_PROXY: boolean.default(false),
  JWT_SECRET: z.string().min(16).default(DEV_SECRETS.JWT_SECRET),
  BOT_TOKEN: z.string().min(8).default(DEV_SECRETS.BOT_TOKEN),
  /** Life of an access token; a refresh token renews it within the session's life. */
  ACCESS_TOKEN_SECONDS: int(60 * 60),
  SESSION_DAYS: int(30),
  /** Keys the HMAC under which sign-in codes are stored, and seals them in the outbox. */
  CODE_HASH_KEY: z.string().min(16).default(DEV_SECRETS.CODE_HASH_KEY),
  /** Wraps the data key of each coupon batch (SPEC §3.8). */
  COUPON_KEK: z.string().min(16).default(DEV_SECRETS.COUPON_KEK),
  /**
   * Keys the HMAC that finds a coupon by its code. Its own secret, not CODE_HASH_KEY: with the
   * KEK and this key apart, the database and one leaked key still reveal no code.
   */
  COUPON_HASH_KEY: z.string().min(16).default(DEV_SECRETS.COUPON_HASH_KEY),
  CARRIER_URL: z.string().default('http://127.0.0.1:4010'),
  CARRIER_SECRET: z.string().default(DEV_SECRETS.CARRIER_SECRET),
  CARRIER_TIMEOUT_MS: int(3000),
  MESSAGE_PROVIDER_URL: z.string().default('http://127.0.0.1:4010'),
  /** The SMS/e-mail provider's own key: a leak at one party must not let anyone sign as us to the other. */
  MESSAGE_PROVIDER_SECRET: z.string().default(DEV_SECRETS.MESSAGE_PROVIDER_SECRET),

  // Sign-in codes (SPEC §4 "Identifiers, secrets and limits")
  /** Seconds between two codes to one number; 0 turns the interval off (tests of the daily cap). */
  SMS_CODE_RESEND_SECONDS: int(60),
  SMS_CODES_PER_PHONE_PER_DAY: int(10),
  SMS_CODES_PER_IP_PER_HOUR: int(60),
  /** Wrong codes one requester may try against one number's code before it must wait. */
  SMS_CODE_GUESSES_PER_REQUESTER: int(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOBS_ENABLED: boolean.default(true),
  /** How long start-up waits for MySQL and Redis to answer before it gives up. */
  STARTUP_WAIT_SECONDS: int(60),
  /** On SIGTERM, how long /readyz answers 503 while requests are still served: a load balancer's check interval or more. */
  SHUTDOWN_DRAIN_MS: int(5_000),
  /** Scale of the background jobs' repeat intervals; tests shrink it to see sweeps quickly. */
  JOB_INTERVAL_MS: int(30_000),
  H5_DIR: z.string().optional(),
  BODY_LIMIT_BYTES: int(64 * 1024),

  // Banking plan data (SPEC §3.1)
  DEPOSIT_MIN_MB: int(10),
  DEPOSIT_MONTHLY_CAP_MB: int(10_240),
  DEPOSIT_EXPIRY_MONTHS: int(3),
  /** How long `GET /storage` reuses the carrier's answer about a user's plan; the user's own deposits invalidate it; 0 asks every time. */
  STORAGE_VIEW_CACHE_SECONDS: int(60),

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
  /** Where friends open shared links (a packet's `shareUrl`); unset: the service's own address. */
  PUBLIC_URL: z.string().url().optional(),
  /** Recipient look-ups (a gift's confirm sheet) per user per hour: bounds how fast numbers can be probed. */
  RECIPIENT_LOOKUPS_PER_HOUR: int(30),

  // Tips (SPEC §3.4)
  TIP_MIN_MB: int(1),
  TIP_MAX_MB: int(1_024),

  // Crowdfunding (SPEC §3.5)
  CROWDFUND_MIN_GOAL_MB: int(100),
  CROWDFUND_MAX_GOAL_MB: int(102_400),
  CROWDFUND_MIN_SECONDS: int(60 * 60),
  CROWDFUND_MAX_SECONDS: int(30 * 24 * 60 * 60),
  // Share groups (SPEC §3.6): members per group, the owner included.
  SHARE_GROUP_MAX_MEMBERS: int(10),
  // Sponsors and activities (SPEC §3.9)
  /** A sponsor's budget lot lives this many months after its top-up. */
  SPONSOR_BUDGET_MONTHS: int(12),
  /** Whether a new user who signs up with an invite code is rewarded too, as well as the inviter. */
  INVITE_REWARDS_INVITEE: boolean.default(false),

  // Cash-out to the phone (SPEC §3.7)
  /** The fee on a cash-out, in percent of the package size, rounded up to whole MB. */
  CASHOUT_FEE_PERCENT: int(0),
  /** Bound on one exchange with a supplier (a recharge or a query); past it the outcome is unknown. */
  SUPPLIER_TIMEOUT_MS: int(3000),
  /** How long an accepted recharge waits for its callback before the supplier is asked. */
  CASHOUT_QUERY_AFTER_MS: int(30_000),
  /** How soon an attempt whose outcome is unknown is asked about again. */
  CASHOUT_RETRY_MS: int(5_000),
  /** Where suppliers post their callbacks (`…/api/v1/suppliers/:id/callbacks`); unset: PUBLIC_URL, else the service's own address. */
  CASHOUT_CALLBACK_BASE_URL: z.string().url().optional(),
  /** Orders each process runs at once. */
  CASHOUT_CONCURRENCY: int(8),
  // Coupons (SPEC §3.8): wrong codes one user may try per window before 429.
  COUPON_WRONG_CODES_PER_WINDOW: int(5),
  COUPON_WRONG_CODE_WINDOW_SECONDS: int(10 * 60),

  // Personalised activity messages (SPEC §3.9): never sign-in codes, gift notices or receipts.
  /** Characters one activity SMS segment carries (UCS-2), and the most segments a template may need. */
  ACTIVITY_SMS_SEGMENT_CHARS: int(70),
  ACTIVITY_SMS_MAX_SEGMENTS: int(3),
  /** Activity messages one user gets per Asia/Shanghai day, across all sponsors. */
  ACTIVITY_MESSAGES_PER_USER_PER_DAY: int(3),
  /** Quiet hours, Asia/Shanghai whole hours: activity messages due from START until END wait for END. */
  QUIET_HOURS_START: int(22),
  QUIET_HOURS_END: int(8),
  /** Recipients one broadcast job writes to the outbox per run (a bound on one transaction). */
  BROADCAST_BATCH_SIZE: int(100),
  // Wallet view: lots expiring within this many days count as "expiring soon".
  EXPIRING_SOON_DAYS: int(7),
});

export type Config = z.infer<typeof ConfigSchema>;

/** A configuration the service will not run with: its message is for the operator, one line, no stack. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const config = { ...parsed.data, ...overrides };
  if (config.NODE_ENV === 'production') requireProductionSafety(config);
  return config;
}

/**
 * Production refuses development secrets, short ones, and one value serving two purposes (a
 * leaked carrier secret must not also sign user tokens), and never serves the dev outbox. The
 * message names the variable, never its value.
 */
export function requireProductionSafety(config: Config): void {
  const problems: string[] = [];
  const seen = new Map<string, SecretName>();
  const devValues = new Set<string>(Object.values(DEV_SECRETS));
  for (const name of SECRET_NAMES) {
    const value = config[name];
    if (devValues.has(value)) problems.push(`${name} is unset or a development default`);
    else if (Buffer.byteLength(value) < MIN_SECRET_BYTES) problems.push(`${name} is shorter than ${MIN_SECRET_BYTES} bytes`);
    const other = seen.get(value);
    if (other) problems.push(`${name} is the same value as ${other}: each secret needs its own`);
    seen.set(value, name);
  }
  if (config.DEV_OUTBOX) problems.push('DEV_OUTBOX is on: the development outbox shows live sign-in codes and is never served in production');
  if (problems.length > 0) throw new ConfigError(`Refusing to start in production: ${problems.join('; ')}.`);
}

/** Where to listen: loopback in development unless HOST says otherwise, every interface elsewhere. */
export function listenHost(config: Config): string {
  return config.HOST ?? (config.NODE_ENV === 'development' ? '127.0.0.1' : '0.0.0.0');
}
