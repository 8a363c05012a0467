import Koa, { type Context, type Next } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { randomUUID } from 'node:crypto';
import type { Deps } from './deps';
import { DomainError } from './platform/errors';
import { Api } from './http/api';
import { renderErrors } from './http/errors-middleware';
import { createMetrics } from './http/metrics';
import { buildOpenApi } from './http/openapi';
import { AuthService } from './modules/auth/service';
import { SessionRevocations } from './modules/auth/revocations';
import { addAuthRoutes } from './http/routes/auth';
import { addWalletRoutes } from './http/routes/ledger';
import { LEDGER_REGISTRY } from './ledger-registrations';
import { StorageService } from './modules/storage/service';
import { addStorageRoutes } from './http/routes/storage';
import { GiftService } from './modules/gifts/service';
import { addGiftRoutes } from './http/routes/gifts';
import { addLimitRoutes } from './http/routes/limits';
import { addDevOutboxRoutes } from './http/routes/outbox';
import { serveStatic } from './http/static-files';
import { inlineScriptHashes, securityHeaders } from './http/security-headers';
import { RedPacketService } from './modules/red-packets/service';
import { addRedPacketRoutes } from './http/routes/red-packets';
import { silentEvents, type RedPacketEvents } from './modules/red-packets/live-events';
import { silentWalletEvents, type WalletEvents } from './platform/wallet-events';
import { mysqlIdempotencyStore, redisIdempotencyStore, redisInWorkIdempotencyStore } from './http/idempotency-stores';
import { BotService } from './modules/bot/service';
import { addBotRoutes } from './http/routes/bot';
import { AVATAR_UPLOAD_PATH, addProfileRoutes } from './http/routes/profile';
import { AVATAR_MAX_BYTES } from '@liuliang/shared';
import { addRedPacketRecordRoutes } from './http/routes/red-packet-records';
import type { JobHealth } from './jobs/job-health';
import { createJobHealth } from './jobs/maintenance';
import { CrowdfundService } from './modules/crowdfunds/service';
import { addCrowdfundRoutes } from './http/routes/crowdfunds';
import { silentCrowdfundEvents, type CrowdfundEvents } from './modules/crowdfunds/live-events';
import { TipService } from './modules/tips/service';
import { addTipRoutes } from './http/routes/tips';
import { ShareGroupService } from './modules/share-groups/service';
import { addShareGroupRoutes } from './http/routes/share-groups';
import { SponsorService, rolesOf } from './modules/sponsors/service';
import { ActivityService } from './modules/sponsors/activities';
import { RainService } from './modules/sponsors/rain';
import { ParticipationService } from './modules/sponsors/participation';
import { addActivityRoutes, addOpsRoutes, addSponsorRoutes } from './http/routes/sponsors';
import { CashoutOpsService, CashoutService, ReconciliationService } from './modules/cashout';
import { addCashoutRoutes } from './http/routes/cashout';
import { CouponService } from './modules/coupons/service';
import { addCouponRoutes } from './http/routes/coupons';
import { MessageService } from './modules/outbox/service';
import { addMessageRoutes } from './http/routes/messages';

export interface Services {
  auth: AuthService;
  storage: StorageService;
  gifts: GiftService;
  redPackets: RedPacketService;
  bot: BotService;
  jobHealth: JobHealth;
  sessions: SessionRevocations;
  crowdfunds: CrowdfundService;
  tips: TipService;
  shareGroups: ShareGroupService;
  sponsors: SponsorService;
  activities: ActivityService;
  rain: RainService;
  participation: ParticipationService;
  cashout: CashoutService;
  cashoutOps: CashoutOpsService;
  reconciliation: ReconciliationService;
  coupons: CouponService;
  messages: MessageService;
}

export function createServices(deps: Deps, events: RedPacketEvents & Partial<WalletEvents> = silentEvents, crowdfundEvents: CrowdfundEvents = silentCrowdfundEvents): Services {
  const wallets: WalletEvents = events.walletChanged ? { walletChanged: events.walletChanged } : silentWalletEvents;
  const gifts = new GiftService(deps, wallets);
  const sessions = new SessionRevocations(deps.redis, deps.config.REDIS_PREFIX, deps.dataSource, deps.config.ACCESS_TOKEN_SECONDS);
  const auth = new AuthService(deps, sessions);
  auth.onSignIn(async (user) => {
    await gifts.claimPendingGifts(user);
  });
  // A number added to a family group before it registered joins the group at its first sign-in.
  const shareGroups = new ShareGroupService(deps);
  auth.onSignIn(async (user) => {
    await shareGroups.joinPendingMemberships(user);
  });
  const redPackets = new RedPacketService(deps, Math.random, events, wallets);
  const crowdfunds = new CrowdfundService(deps, crowdfundEvents);
  const tips = new TipService(deps, redPackets, crowdfunds);
  const sponsors = new SponsorService(deps);
  const rain = new RainService(deps, redPackets);
  const activities = new ActivityService(deps, Math.random, rain);
  const participation = new ParticipationService(deps, activities);
  auth.onRegistration((sql, user, context) => participation.rewardInvite(sql, user, context));
  const cashout = new CashoutService(deps);
  return {
    auth,
    gifts,
    storage: new StorageService(deps),
    redPackets,
    bot: new BotService(deps, auth, redPackets),
    jobHealth: createJobHealth(deps),
    sessions,
    shareGroups,
    crowdfunds,
    tips,
    sponsors,
    activities,
    rain,
    participation,
    cashout,
    cashoutOps: new CashoutOpsService(deps),
    reconciliation: new ReconciliationService(deps, (attemptId, orderId) => cashout.runner.applyCallback(attemptId, orderId, 'succeeded', null)),
    coupons: new CouponService(deps),
    messages: new MessageService(deps),
  };
}

export function createApi(deps: Deps, services: Services): Api {
  const api = new Api({
    dataSource: deps.dataSource,
    jwtSecret: deps.config.JWT_SECRET,
    botToken: deps.config.BOT_TOKEN,
    isSessionRevoked: (sessionId) => services.sessions.isRevoked(sessionId),
    idempotencyStores: {
      mysql: mysqlIdempotencyStore(deps.dataSource, deps.clock),
      redis: redisIdempotencyStore(deps.redis, deps.config.REDIS_PREFIX),
      redisInWork: redisInWorkIdempotencyStore(deps.redis),
    },
  });
  addAuthRoutes(api, services.auth, (user) => rolesOf(deps.dataSource.manager, user.phone));
  addLimitRoutes(api, deps.config);
  addWalletRoutes(api, deps, LEDGER_REGISTRY);
  addStorageRoutes(api, services.storage);
  addGiftRoutes(api, services.gifts);
  addRedPacketRoutes(api, services.redPackets);
  addDevOutboxRoutes(api, deps);
  addBotRoutes(api, services.bot);
  addCrowdfundRoutes(api, services.crowdfunds);
  addTipRoutes(api, services.tips);
  addShareGroupRoutes(api, services.shareGroups);
  addProfileRoutes(api, deps);
  addRedPacketRecordRoutes(api, services.redPackets);
  addOpsRoutes(api, services.sponsors);
  addSponsorRoutes(api, deps, services.sponsors, services.activities);
  addActivityRoutes(api, services.activities, services.participation);
  addCashoutRoutes(api, services.cashout, services.cashoutOps, services.reconciliation);
  addCouponRoutes(api, services.coupons);
  addMessageRoutes(api, deps, services.messages);
  return api;
}

/** The jobs part of /readyz: which sweeps have not succeeded for several of their intervals. */
async function jobsReadiness(jobHealth: JobHealth): Promise<{ jobs: 'ok' | 'overdue'; overdueJobs?: string[] }> {
  const overdueJobs = await jobHealth.overdueJobs();
  return overdueJobs.length === 0 ? { jobs: 'ok' } : { jobs: 'overdue', overdueJobs };
}

/** Requests with a body must say it is JSON; anything else is refused before parsing. */
async function requireJson(ctx: Context, next: Next): Promise<void> {
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(ctx.method) && (Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '');
  if (hasBody && !ctx.is('application/json')) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json.');
  await next();
}

/** What /readyz knows of the process beyond its dependencies: a stopping process is not ready. */
export interface Readiness {
  draining(): boolean;
}
const alwaysServing: Readiness = { draining: () => false };
/** Bound on one readiness probe: a load balancer's check must answer even when a dependency hangs. */
export const READINESS_PROBE_TIMEOUT_MS = 1_000;

async function answersWithin(probe: () => Promise<unknown>, timeoutMs: number): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), timeoutMs)));
  const answered = probe().then(
    () => 'ok' as const,
    () => 'down' as const,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function createApp(deps: Deps, services: Services = createServices(deps), readiness: Readiness = alwaysServing) {
  const app = new Koa({ proxy: deps.config.TRUST_PROXY });
  const metrics = createMetrics(services.jobHealth);
  const api = createApi(deps, services);
  const openApi = buildOpenApi(api.routes);

  app.use(securityHeaders({ scriptHashes: inlineScriptHashes(deps.config.H5_DIR) }));
  app.use(metrics.middleware);
  const logRequests = deps.logger.isLevelEnabled('info');
  app.use(async (ctx, next) => {
    const requestId = ctx.get('x-request-id').slice(0, 64) || randomUUID();
    ctx.set('X-Request-Id', requestId);
    ctx.state.requestId = requestId;
    const started = Date.now();
    await next();
    if (logRequests) deps.logger.info({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started }, 'request');
  });
  app.use(renderErrors(deps.logger));
  app.use(requireJson);
  const jsonBodies = (limitBytes: number) =>
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: limitBytes,
      encoding: 'utf-8',
      onError: (error) => {
        const status = (error as { status?: number }).status;
        if (status === 413) throw new DomainError('BODY_TOO_LARGE', `The request body is larger than ${limitBytes} bytes.`);
        throw new DomainError('VALIDATION_FAILED', 'The request body is not valid JSON.');
      },
    });
  const smallBodies = jsonBodies(deps.config.BODY_LIMIT_BYTES);
  // An avatar is an image in base64: room for AVATAR_MAX_BYTES of it and the JSON around it.
  const avatarBodies = jsonBodies(Math.max(deps.config.BODY_LIMIT_BYTES, Math.ceil(AVATAR_MAX_BYTES / 3) * 4 + 1024));
  app.use((ctx, next) => (ctx.path === AVATAR_UPLOAD_PATH ? avatarBodies(ctx, next) : smallBodies(ctx, next)));

  const ops = new Router();
  ops.get(['/healthz', '/livez'], (ctx) => {
    ctx.body = { status: 'ok' };
  });
  ops.get('/readyz', async (ctx) => {
    const [database, redis] = await Promise.all([
      answersWithin(() => deps.dataSource.query('SELECT 1'), READINESS_PROBE_TIMEOUT_MS),
      // A client that is reconnecting would queue the PING until it gave up: say down at once.
      deps.redis.status === 'ready' ? answersWithin(() => deps.redis.ping(), READINESS_PROBE_TIMEOUT_MS) : 'down',
    ]);
    const draining = readiness.draining();
    // Jobs that silently stopped (schedules lost with Redis data) are named here and alerted on
    // from /metrics, but do not fail readiness: every instance would leave the load balancer at
    // once, turning a stalled sweep into an outage of the whole API.
    const jobs = deps.config.JOBS_ENABLED ? await jobsReadiness(services.jobHealth) : undefined;
    ctx.status = !draining && database === 'ok' && redis === 'ok' ? 200 : 503;
    ctx.body = { status: draining ? 'draining' : ctx.status === 200 ? 'ok' : 'unavailable', database, redis, ...jobs };
  });
  ops.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  ops.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = openApi;
  });
  app.use(ops.routes());
  if (deps.config.H5_DIR) app.use(serveStatic(deps.config.H5_DIR));
  app.use(api.router.routes());
  app.use(api.router.allowedMethods());
  return { app, api, services, openApi };
}
