import { createConnection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { doublingDelayMs, withRetry } from '@liuliang/shared';

/** First pause between two attempts; doubled after each failure up to the cap. */
export const STARTUP_RETRY_FIRST_DELAY_MS = 250;
export const STARTUP_RETRY_MAX_DELAY_MS = 5_000;
/** Bound on one attempt: a host that drops packets must not eat the whole wait in one try. */
export const STARTUP_PROBE_TIMEOUT_MS = 2_000;

/** A dependency that never answered: its message is for the operator, one line, no stack. */
export class StartupWaitError extends Error {
  override readonly name = 'StartupWaitError';
}

interface Dependency {
  /** What the operator reads: "MySQL at 127.0.0.1:3306". */
  label: string;
  /** Resolves once the dependency answers; rejects with why not. */
  probe(): Promise<void>;
}

const hostAndPort = (url: URL, defaultPort: number) => `${url.hostname}:${url.port || defaultPort}`;

export function mysqlDependency(databaseUrl: string): Dependency {
  const url = new URL(databaseUrl);
  // The server, not the database: start-up creates the database when it is missing.
  url.pathname = '/';
  return {
    label: `MySQL at ${hostAndPort(url, 3306)}`,
    async probe() {
      const connection = await createConnection({ uri: url.toString(), connectTimeout: STARTUP_PROBE_TIMEOUT_MS });
      await connection.end();
    },
  };
}

export function redisDependency(redisUrl: string): Dependency {
  const url = new URL(redisUrl);
  return {
    label: `Redis at ${hostAndPort(url, 6379)}`,
    async probe() {
      // One connection, no retries of its own: the back-off below is the only retry loop.
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, connectTimeout: STARTUP_PROBE_TIMEOUT_MS });
      // The socket's own error (ECONNREFUSED) says more than the "Connection is closed." connect rejects with.
      let socketError: unknown = null;
      redis.on('error', (error: unknown) => (socketError = error));
      try {
        await redis.connect();
        await redis.ping();
      } catch (error) {
        throw socketError ?? error;
      } finally {
        redis.disconnect();
      }
    },
  };
}

/**
 * Waits until every dependency answers, retrying each with back-off and saying what it waits
 * for; throws StartupWaitError naming the first that is still silent after `waitSeconds`.
 */
export async function waitForDependencies(dependencies: Dependency[], waitSeconds: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  await Promise.all(dependencies.map((dependency) => waitFor(dependency, deadline, waitSeconds, logger)));
}

async function waitFor(dependency: Dependency, deadline: number, waitSeconds: number, logger: Logger): Promise<void> {
  const pauseMs = (attempt: number) => doublingDelayMs(attempt, STARTUP_RETRY_FIRST_DELAY_MS, STARTUP_RETRY_MAX_DELAY_MS);
  try {
    await withRetry(
      async (attempt) => {
        await dependency.probe();
        if (attempt > 1) logger.info(`${dependency.label} answers; starting`);
      },
      {
        // The deadline bounds the tries, not a count.
        maxAttempts: Number.POSITIVE_INFINITY,
        retryIf: () => deadline - Date.now() > 0,
        delayMs: (attempt) => Math.min(pauseMs(attempt), deadline - Date.now()),
        onRetry: (error, attempt) => logger.warn(`waiting for ${dependency.label}… (${reasonOf(error)}; attempt ${attempt}, next in ${pauseMs(attempt)} ms)`),
      },
    );
  } catch (error) {
    throw new StartupWaitError(`${dependency.label} did not answer within ${waitSeconds} s (${reasonOf(error)}).`);
  }
}

const reasonOf = (error: unknown) => (error instanceof Error ? (error as { code?: string }).code ?? error.message : String(error));
