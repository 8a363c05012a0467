import type { Sql } from '../../db/sql';
import { invalidInput } from '../../platform/errors';

/** Bound on one page of a sponsors' list (SPEC §4 list shape: `?limit=&cursor=`). */
const PAGE_MAX = 100;
const PAGE_DEFAULT = 20;

/**
 * The lists of sponsors and activities, newest first: ordered by (created_at DESC, id), and paged
 * by the position of the last row given out, so rows created meanwhile neither repeat nor skip
 * one. The cursor is opaque to clients (base64url of the position).
 */
interface Position {
  atMs: number;
  id: string;
}

const encodeCursor = (p: Position) => Buffer.from(`${p.atMs}.${p.id}`).toString('base64url');

function decodeCursor(cursor: string): Position {
  const match = /^(\d{1,15})\.([0-9a-z]{1,32})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw invalidInput('This cursor was not given out by this list.', { field: 'cursor' });
  return { atMs: Number(match[1]), id: match[2] };
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/**
 * One page of `select` (whose table is aliased `alias`, with `created_at` and `id`), filtered by
 * `where`; the caller maps the rows it gets back.
 */
export async function newestFirstPage<R extends { created_at: Date; id: string }>(
  sql: Sql,
  query: { select: string; alias: string; where: string; params: readonly unknown[] },
  page: PageRequest,
): Promise<{ rows: R[]; nextCursor: string | null }> {
  const limit = page.limit ?? PAGE_DEFAULT;
  if (!(Number.isSafeInteger(limit) && limit >= 1 && limit <= PAGE_MAX)) throw new RangeError(`a page holds 1..${PAGE_MAX} rows, got ${limit}`);
  const { select, alias: a, where, params } = query;
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
  const rows: R[] = await sql.query(
    `${select} WHERE (${where}) ${after ? `AND (${a}.created_at < ? OR (${a}.created_at = ? AND ${a}.id > ?))` : ''} ORDER BY ${a}.created_at DESC, ${a}.id LIMIT ?`,
    [...params, ...(after ? [new Date(after.atMs), new Date(after.atMs), after.id] : []), limit + 1],
  );
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { rows: shown, nextCursor: rows.length > limit ? encodeCursor({ atMs: new Date(last.created_at).getTime(), id: last.id }) : null };
}
