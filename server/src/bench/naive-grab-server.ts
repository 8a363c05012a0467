import http from 'node:http';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { createPool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import { verifyToken } from '../modules/auth/tokens';

/**
 * The naive grab (bench baseline): what one would write without Redis — every attempt, winner
 * or loser, queues on the packet row in one MySQL transaction. Same URL, headers, body and
 * answers as the real grab, over the bench's own tables (see http-baselines.ts).
 * Run as a child process: `PORT=… DATABASE_URL=… JWT_SECRET=… POOL_SIZE=… node dist-tools/bench/naive-grab-server.js`.
 */

const GRAB_PATH = /^\/api\/v1\/red-packets\/(\d{1,20})\/grab$/;

const pool = createPool({ uri: process.env.DATABASE_URL, connectionLimit: Number(process.env.POOL_SIZE ?? 20), timezone: 'Z' });
const jwtSecret = process.env.JWT_SECRET ?? '';

type Answer = { status: number; body: unknown };
const refuse = (status: number, code: string): Answer => ({ status, body: { error: { code, message: code } } });

async function grab(packetId: string, userId: string): Promise<Answer> {
  const connection: PoolConnection = await pool.getConnection();
  try {
    await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await connection.beginTransaction();
    const [packets] = await connection.query<RowDataPacket[]>('SELECT count, remaining_count FROM bench_naive_packets WHERE id = ? FOR UPDATE', [packetId]);
    if (packets.length === 0) return await rollback(connection, refuse(404, 'NOT_FOUND'));
    const [mine] = await connection.query<RowDataPacket[]>('SELECT 1 FROM bench_naive_grabs WHERE packet_id = ? AND user_id = ?', [packetId, userId]);
    if (mine.length > 0) return await rollback(connection, refuse(409, 'ALREADY_GRABBED'));
    const remaining = Number(packets[0].remaining_count);
    if (remaining === 0) return await rollback(connection, refuse(409, 'SOLD_OUT'));
    const seq = Number(packets[0].count) - remaining;
    const [shares] = await connection.query<RowDataPacket[]>('SELECT amount_mb FROM bench_naive_shares WHERE packet_id = ? AND seq = ?', [packetId, seq]);
    const amountMb = Number(shares[0].amount_mb);
    await connection.query('INSERT INTO bench_naive_grabs (packet_id, user_id, seq, amount_mb, created_at) VALUES (?, ?, ?, ?, ?)', [packetId, userId, seq, amountMb, new Date()]);
    await connection.query('UPDATE bench_naive_packets SET remaining_count = remaining_count - 1, remaining_mb = remaining_mb - ? WHERE id = ?', [amountMb, packetId]);
    await connection.commit();
    return { status: 200, body: { amountMb, rank: seq + 1 } };
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

async function rollback(connection: PoolConnection, answer: Answer): Promise<Answer> {
  await connection.rollback();
  return answer;
}

const app = new Koa();
app.use(bodyParser({ enableTypes: ['json'] }));
app.use(async (ctx) => {
  if (ctx.path === '/healthz') {
    ctx.body = { status: 'ok' };
    return;
  }
  const match = GRAB_PATH.exec(ctx.path);
  if (ctx.method !== 'POST' || !match) {
    ctx.status = 404;
    return;
  }
  const [scheme, token] = ctx.get('authorization').split(' ', 2);
  const userId = scheme === 'Bearer' && token ? verifyToken(jwtSecret, token) : null;
  const answer = !userId ? refuse(401, 'UNAUTHENTICATED') : !ctx.get('idempotency-key') ? refuse(400, 'IDEMPOTENCY_KEY_MISSING') : await grab(match[1], userId);
  ctx.status = answer.status;
  ctx.body = answer.body;
});

const server = http.createServer(app.callback());
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void pool.end().finally(() => process.exit(0)));
});
