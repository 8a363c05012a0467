import http from 'node:http';
import { Redis } from 'ioredis';
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
import { startLiveServer } from './live/live-server';
import { RateLimits } from './platform/rate-limits';

/** How long a stopping server waits for requests in flight. */
const SHUTDOWN_DRAIN_MS = 5_000;

export interface RunningServer {
  url: string;
  deps: Deps;
  services: ReturnType<typeof createServices>;
  close(): Promise<void>;
}

export async function buildDeps(config: Config, clock: Clock = systemClock): Promise<Deps> {
  // Before anything connects: the carrier gateway is built below, the message provider after.
  requireHttpsEndpoints(config);
  const logger = createLogger(config.LOG_LEVEL);
  const dataSource = createDataSource(config.DATABASE_URL, config.DB_POOL_SIZE);
  await dataSource.initialize();
  // Auto-pipelining batches the commands of concurrent requests into one write per tick.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
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
  const live = startLiveServer(server, deps);
  const services = createServices(deps, live.events);
  const { app } = createApp(deps, services);
  // Requests still running when the server stops are let finish before Redis and MySQL close.
  let inFlight = 0;
  app.middleware.unshift(async (_ctx, next) => {
    inFlight++;
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
  const stopJobs = config.JOBS_ENABLED ? await startMaintenance(deps, maintenanceTasks(deps, services, provider)) : async () => {};

  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    services,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const drainDeadline = Date.now() + SHUTDOWN_DRAIN_MS;
      while (inFlight > 0 && Date.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
      server.closeAllConnections();
      await closed;
      await stopJobs();
      await live.close();
      await deps.redis.quit().catch(() => deps.redis.disconnect());
      await deps.dataSource.destroy();
    },
  };
}
