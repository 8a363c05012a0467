import http from 'node:http';
import net from 'node:net';
import { listenHost, type Config } from './config';
import type { Deps } from './deps';
import { createApp, createServices } from './app';
import { createDataSource } from './db/data-source';
import { Ledger } from './modules/ledger/ledger';
import { createCarrierGateway } from './carrier/gateway';
import { createMessageProvider } from './carrier/sms-provider';
import { requireHttpsEndpoints } from './carrier/endpoints';
import { systemClock, type Clock } from './platform/clock';
import { createLogger } from './platform/logger';
import { maintenanceTasks, startMaintenance } from './jobs/maintenance';
import { startCashoutQueue } from './jobs/cashout-queue';
import { purgeIdempotencyRecords } from './http/idempotency-stores';
import { startLiveServer } from './live/live-server';
import { RateLimits } from './platform/rate-limits';
import { createRedisClient } from './platform/redis-clients';

/** After the listener closes, how long a connection it accepted last has to deliver its request. */
export const SHUTDOWN_LAST_REQUESTS_GRACE_MS = 250;
/** Once the drain is over, how long requests still running may take before their sockets close. */
export const SHUTDOWN_REQUESTS_TIMEOUT_MS = 3_000;
/**
 * Bound on stopping the background worker. BullMQ waits for the job in hand and its blocking
 * fetch; every job is idempotent (status guards, row locks), so one cut short reruns safely.
 */
export const SHUTDOWN_JOBS_TIMEOUT_MS = 1_000;
/** Bound on closing each connection to Redis and MySQL (a dead server must not hold the exit). */
export const SHUTDOWN_CONNECTIONS_TIMEOUT_MS = 1_000;
/** The longest close() takes after its drain: what a supervisor should allow beyond SHUTDOWN_DRAIN_MS. */
export const SHUTDOWN_AFTER_DRAIN_MS = SHUTDOWN_LAST_REQUESTS_GRACE_MS + SHUTDOWN_REQUESTS_TIMEOUT_MS + SHUTDOWN_JOBS_TIMEOUT_MS + 4 * SHUTDOWN_CONNECTIONS_TIMEOUT_MS;

/** Idle kept-alive connections are closed after this, longer than clients and balancers wait. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RunningServer {
  url: string;
  deps: Deps;
  services: ReturnType<typeof createServices>;
  /**
   * Stops the process's work in order: /readyz answers 503 and every response says
   * `Connection: close` for `drainMs` while requests are still served (load balancers move
   * away), then no new connections, requests in flight finish (bounded), jobs and connections close.
   */
  close(drainMs?: number): Promise<void>;
}

/** Resolves when `work` does or when `timeoutMs` has passed, whichever is first; never rejects. */
async function atMost(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  try {
    await Promise.race([work.then(() => {}, () => {}), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export async function buildDeps(config: Config, clock: Clock = systemClock): Promise<Deps> {
  // Before anything connects: the carrier gateway is built below, the message provider after.
  requireHttpsEndpoints(config);
  const logger = createLogger(config.LOG_LEVEL);
  const dataSource = createDataSource(config.DATABASE_URL, config.DB_POOL_SIZE);
  await dataSource.initialize();
  const redis = createRedisClient(config.REDIS_URL, logger);
  return {
    config,
    clock,
    logger,
    dataSource,
    redis,
    limits: new RateLimits(redis, config.REDIS_PREFIX),
    ledger: new Ledger(clock),
    carrier: createCarrierGateway({ baseUrl: config.CARRIER_URL, secret: config.CARRIER_SECRET, timeoutMs: config.CARRIER_TIMEOUT_MS }),
  };
}

/** The whole service: HTTP API, background jobs; one call so tests start exactly what production runs. */
export async function startServer(config: Config, clock: Clock = systemClock): Promise<RunningServer> {
  const deps = await buildDeps(config, clock);
  // socket.io wraps the server's request listener (taking /socket.io/ for itself), so the
  // listener exists before it attaches and forwards to the app once the app is built.
  let handle: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handle(req, res));
  // The server must not be the side that closes an idle kept-alive connection first: a client
  // (or load balancer) that reuses it at that moment gets a reset for a request that never
  // arrived, and a POST is not retried for it. Clients and balancers time out first (~60 s).
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const live = startLiveServer(server, deps);
  const services = createServices(deps, live.events, live.crowdfundEvents);
  let draining = false;
  const { app } = createApp(deps, services, { draining: () => draining });
  // Requests still running when the server stops are let finish before Redis and MySQL close.
  let inFlight = 0;
  app.middleware.unshift(async (ctx, next) => {
    inFlight++;
    // A kept-alive socket is closed by us only after an answer that said so: closing an idle
    // one later could cross a request the client is sending on it, which it would see reset.
    if (draining) ctx.set('Connection', 'close');
    try {
      await next();
    } finally {
      inFlight--;
    }
  });
  handle = app.callback();
  await new Promise<void>((resolve) => server.listen(config.PORT, listenHost(config), resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  const provider = createMessageProvider({ baseUrl: config.MESSAGE_PROVIDER_URL, secret: config.MESSAGE_PROVIDER_SECRET, timeoutMs: config.CARRIER_TIMEOUT_MS });
  services.cashout.useOwnAddress(`http://127.0.0.1:${port}`);
  const cashoutQueue = config.JOBS_ENABLED ? await startCashoutQueue(deps, (orderId) => services.cashout.driveOrder(orderId)) : null;
  if (cashoutQueue) services.cashout.wakeOrdersWith(cashoutQueue.wake);
  const stopMaintenance = config.JOBS_ENABLED ? await startMaintenance(deps, maintenanceTasks(deps, { ...services, purgeIdempotencyRecords: () => purgeIdempotencyRecords(deps.dataSource, deps.clock) }, provider)) : async () => {};
  const stopJobs = async () => {
    await stopMaintenance();
    await cashoutQueue?.stop();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    services,
    async close(drainMs = 0) {
      draining = true;
      if (drainMs > 0) deps.logger.info({ drainMs }, 'draining: /readyz answers 503 while requests are still served');
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      // net's close, not http's: http.Server#close also closes idle connections at once, and a
      // connection accepted a moment ago, its request still on the wire, counts as idle.
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_LAST_REQUESTS_GRACE_MS));
      const requestsDeadline = Date.now() + SHUTDOWN_REQUESTS_TIMEOUT_MS;
      while (inFlight > 0 && Date.now() < requestsDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
      server.closeIdleConnections();
      server.closeAllConnections();
      // Upgraded (WebSocket) connections hold the server open until socket.io closes them.
      await atMost(live.close(), SHUTDOWN_CONNECTIONS_TIMEOUT_MS);
      await atMost(closed, SHUTDOWN_CONNECTIONS_TIMEOUT_MS);
      await atMost(stopJobs(), SHUTDOWN_JOBS_TIMEOUT_MS);
      await atMost(deps.redis.quit(), SHUTDOWN_CONNECTIONS_TIMEOUT_MS);
      deps.redis.disconnect();
      await atMost(deps.dataSource.destroy(), SHUTDOWN_CONNECTIONS_TIMEOUT_MS);
    },
  };
}
