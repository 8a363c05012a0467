import type { Context, Next } from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobHealth } from '../jobs/job-health';

export function createMetrics(jobHealth?: JobHealth) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  if (jobHealth) addJobMetrics(registry, jobHealth);
  return {
    registry,
    /** Labels by the route template (`/api/v1/gifts/:id`), never the raw path, to bound cardinality. */
    middleware: async function timeRequests(ctx: Context, next: Next): Promise<void> {
      const end = httpDuration.startTimer();
      try {
        await next();
      } finally {
        const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
        end({ method: ctx.method, route: String(route), status: String(ctx.status) });
      }
    },
  };
}

/**
 * Read at scrape time from the job health record, so an alert on
 * `time() - liuliang_job_last_success_timestamp_seconds` sees jobs that silently stopped.
 */
function addJobMetrics(registry: Registry, jobHealth: JobHealth): void {
  new Gauge({
    name: 'liuliang_job_last_success_timestamp_seconds',
    help: 'When each background job last succeeded in any process (Unix seconds); absent until one has',
    labelNames: ['job'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [job, record] of Object.entries(await jobHealth.records())) {
        if (record.lastSuccessAtMs !== undefined) this.set({ job }, record.lastSuccessAtMs / 1000);
      }
    },
  });
  new Counter({
    name: 'liuliang_job_failures_total',
    help: 'Background job runs that threw, in this process',
    labelNames: ['job'],
    registers: [registry],
    async collect() {
      // The count lives in JobHealth; the counter mirrors it (a reset, then the whole count).
      this.reset();
      for (const [job, record] of Object.entries(await jobHealth.records())) this.inc({ job }, record.failures);
    },
  });
}
