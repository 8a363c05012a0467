import http from 'node:http';
import Koa from 'koa';

/**
 * The HTTP ceiling (bench baseline): a Koa app whose only middleware answers 200, so the storm
 * can be compared with what Node and Koa alone manage on this machine under the same load.
 * Run as a child process: `PORT=… node dist-tools/bench/bare-koa-server.js`.
 */
const app = new Koa();
app.use((ctx) => {
  ctx.status = 200;
  ctx.body = { ok: true };
});
const server = http.createServer(app.callback());
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
