import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Properties of a failed query that carry user data verbatim: TypeORM's QueryFailedError copies
 * the SQL and its bound parameters (phones, gift messages) onto the error, and mysql2 adds `sql`
 * with the parameters already interpolated. None of them belongs in a log line.
 */
const SQL_CARRYING_KEYS = new Set(['query', 'parameters', 'sql']);
/** Errors nest (`driverError`, `cause`); a bound keeps a cyclic or very deep error cheap to log. */
const MAX_ERROR_DEPTH = 5;
const MASK = "'***'";
/**
 * A quoted value in a database message ("Duplicate entry '13800138000' for key 'users.phone'").
 * What follows key/column/table names the schema, not a user, and stays readable.
 */
const QUOTED_VALUE = /(\b(?:key|column|table|database|index|constraint)\s+)?'(?:[^'\\]|\\.)*'/gi;

export function maskQuotedValues(text: string): string {
  return text.replace(QUOTED_VALUE, (quoted, schemaWord: string | undefined) => (schemaWord ? quoted : `${MASK}`));
}

function redact(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskQuotedValues(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_ERROR_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!SQL_CARRYING_KEYS.has(key)) copy[key] = redact(inner, depth + 1);
  }
  return copy;
}

/** pino's error serializer, minus the SQL and the user data in database error messages. */
export function serializeErrorRedacted(error: unknown): unknown {
  if (!(error instanceof Error)) return redact(error, 0);
  return redact(pino.stdSerializers.err(error), 0);
}

/** The service's logger: every module logs errors under `err`, so that one serializer covers them all. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { pid: process.pid }, serializers: { err: serializeErrorRedacted, error: serializeErrorRedacted } };
  return destination ? pino(options, destination) : pino(options);
}
