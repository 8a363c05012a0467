import type { Sql } from '../../db/sql';
import { invalidInput } from '../../platform/errors';

/** Bound on one page of a sponsors' list (SPEC §4 list shape: `?limit=&cursor=`). */
const PAGE_MAX = 100;

/**
 * The lists of the sponsors module, paged by the position of the last row given out (keyset), so
 * rows written meanwhile neither repeat nor skip one: ordered by one instant column, then the id.
 * The cursor is opaque to clients (base64url of the position).
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

type Order = { column: 'created_at' | 'ends_at'; descending: boolean };

/**
 * One page of `select` (whose table is aliased `alias`, with the order's column and `id`),
 * filtered by `where`; the caller maps (or filters) the rows it gets back. Newest first unless
 * the order says otherwise.
 */
export async function keysetPage<R extends { id: string; created_at: Date; ends_at?: Date }>(
  sql: Sql,
  query: { select: string; alias: string; where: string; params: readonly unknown[]; order?: Order },
  page: PageRequest,
): Promise<{ rows: R[]; nextCursor: string | null }> {
  // Without a limit, a page is as long as the whole list was before it had cursors: a client that
  // does not page (the bot's /checkin) sees what it saw then.
  const limit = page.limit ?? PAGE_MAX;
  if (!(Number.isSafeInteger(limit) && limit >= 1 && limit <= PAGE_MAX)) throw new RangeError(`a page holds 1..${PAGE_MAX} rows, got ${limit}`);
  const { select, alias: a, where, params, order = { column: 'created_at', descending: true } } = query;
  const column = `${a}.${order.column}`;
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
  const rows: R[] = await sql.query(
    `${select} WHERE (${where}) ${after ? `AND (${column} ${order.descending ? '<' : '>'} ? OR (${column} = ? AND ${a}.id > ?))` : ''}
      ORDER BY ${column} ${order.descending ? 'DESC' : 'ASC'}, ${a}.id LIMIT ?`,
    [...params, ...(after ? [new Date(after.atMs), new Date(after.atMs), after.id] : []), limit + 1],
  );
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { rows: shown, nextCursor: rows.length > limit ? encodeCursor({ atMs: new Date(last[order.column]!).getTime(), id: String(last.id) }) : null };
}
