import http from 'node:http';
import { Server } from 'socket.io';
import { LIVE_NAMESPACE, type LiveClientToServer, type LiveServerToClient } from '@liuliang/shared';

/**
 * The fan-out floor (bench baseline): socket.io alone on this machine, without authentication,
 * MySQL or the Redis adapter. `POST /emit/<n>` sends one `grabbed` event, stamped now, to every
 * client of this process that follows packet 1; `POST /finish` sends `finished`. The same
 * clients and pace as the service's fan-out, so the difference is what the service adds.
 * Run as a child process: `PORT=… node dist-tools/bench/bare-live-server.js`.
 */
const ROOM = 'packet:1';

const server = http.createServer((req, res) => {
  const emitted = /^\/emit\/(\d{1,9})$/.exec(req.url ?? '');
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  } else if (req.method === 'POST' && emitted) {
    live.to(ROOM).emit('grabbed', { packetId: '1', userId: emitted[1], nickname: '', amountMb: 1, remainingCount: 0, remainingMb: 0, at: new Date().toISOString() });
    res.writeHead(200).end();
  } else if (req.method === 'POST' && req.url === '/finish') {
    live.to(ROOM).emit('finished', { packetId: '1', luckiest: null });
    res.writeHead(200).end();
  } else {
    res.writeHead(404).end();
  }
});
const io = new Server<LiveClientToServer, LiveServerToClient>(server, { serveClient: false });
const live = io.of(LIVE_NAMESPACE);
live.on('connection', (socket) => {
  socket.on('subscribe', async (_request, ack) => {
    await socket.join(ROOM);
    if (typeof ack === 'function') ack({ ok: true });
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => {
  io.close();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
