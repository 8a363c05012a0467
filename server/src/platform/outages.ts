/**
 * Recognises "the database or Redis is not there" among thrown errors: a request that failed so
 * answers 503 UNAVAILABLE with Retry-After (SPEC §4), and such an error is never a reason for
 * the process to die. Everything else stays what it is (a 500, a crash policy's concern).
 */

/** What a client is told to wait before trying again while a backing service is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Socket-level codes of a connection refused, lost or never made (Node's net, mysql2). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  // The server itself refusing: too many connections, shutting down, not yet accepting.
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_SERVER_OFFLINE_MODE',
  'ER_NORMAL_SHUTDOWN',
  'ER_SHUTDOWN_COMPLETE',
]);

/**
 * Messages without a code: mysql2's pool and closed connections, ioredis with the connection
 * gone (its MaxRetriesPerRequestError is matched by name), TypeORM without a pool.
 */
const CONNECTION_MESSAGES = [
  "Can't add new command when connection is in closed state",
  "Can't write in closed state",
  'Pool is closed.',
  'Queue limit reached.',
  'Connection is closed.',
  "Stream isn't writeable",
  'Connection is not established',
  'connect ETIMEDOUT',
];

/** Bound on following `driverError` / `cause` links. */
const MAX_CAUSE_DEPTH = 5;

/** True when the error (or what it wraps) says MySQL or Redis could not be reached. */
export function isOutageError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== null && typeof current === 'object'; depth++) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown; fatal?: unknown; driverError?: unknown; cause?: unknown };
    if (e.name === 'MaxRetriesPerRequestError') return true;
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.some((m) => (e.message as string).includes(m))) return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}
