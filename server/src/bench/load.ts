import http from 'node:http';

/**
 * The one load generator every HTTP scenario and its baselines share, so that a ratio between
 * two of them compares servers, not clients: a fixed number of requests kept in flight by
 * `concurrency` workers, spread round-robin over the targets, on keep-alive sockets.
 */

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadAnswer {
  index: number;
  status: number;
  body: string;
  latencyMs: number;
}

export interface LoadOptions {
  /** Base URLs (loopback); request i goes to targets[i % targets.length]. */
  targets: string[];
  total: number;
  concurrency: number;
  /** `worker` is the slot (0 … concurrency-1) sending it: scenarios that need one caller per slot use it. */
  build(index: number, worker: number): LoadRequest;
  /** Called for every answer, to tally codes or collect amounts. */
  onAnswer?(answer: LoadAnswer): void;
}

export interface LoadResult {
  count: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** `200`, `409 SOLD_OUT`, … → how many. */
  outcomes: Record<string, number>;
  /** Requests that got no HTTP answer at all (refused, reset, timed out). */
  transportErrors: number;
  firstTransportError: string | null;
}

/** Bound on one request: a storm request slower than this is a failure, not a data point. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Bound on the bytes of one answer kept for inspection. */
const MAX_ANSWER_BYTES = 64 * 1024;

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The error code of a JSON error answer (SPEC §4), or '' when the body has none. */
function errorCodeOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed?.error?.code === 'string' ? parsed.error.code : '';
  } catch {
    return '';
  }
}

function send(agent: http.Agent, base: URL, request: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    const req = http.request({ agent, host: base.hostname, port: base.port, method: request.method, path: request.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.targets.length === 0 || options.concurrency < 1 || options.total < 1) throw new Error('runLoad needs targets, a concurrency and a total');
  const bases = options.targets.map((t) => new URL(t));
  // One pool per target, each able to hold every slot, so no request waits for a socket. FIFO
  // reuse keeps every socket busy: under LIFO a rarely used socket idles until the server's
  // keep-alive timeout closes it just as a request is written to it (ECONNRESET).
  const agents = bases.map(() => new http.Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency, scheduling: 'fifo' }));
  const latenciesMs = new Float64Array(options.total);
  const outcomes: Record<string, number> = {};
  let transportErrors = 0;
  let firstTransportError: string | null = null;
  let next = 0;

  const startedAt = process.hrtime.bigint();
  const worker = async (slot: number): Promise<void> => {
    for (let index = next++; index < options.total; index = next++) {
      const target = index % bases.length;
      const request = options.build(index, slot);
      const started = process.hrtime.bigint();
      try {
        const { status, body } = await send(agents[target], bases[target], request);
        const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
        latenciesMs[index] = latencyMs;
        const code = status >= 400 ? errorCodeOf(body) : '';
        const key = code ? `${status} ${code}` : String(status);
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        options.onAnswer?.({ index, status, body, latencyMs });
      } catch (error) {
        latenciesMs[index] = Number(process.hrtime.bigint() - started) / 1e6;
        transportErrors++;
        firstTransportError ??= `${(error as Error).message} (request ${index}, ${Math.round(Number(process.hrtime.bigint() - startedAt) / 1e6)} ms into the run)`;
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.total) }, (_, slot) => worker(slot)));
  const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  for (const agent of agents) agent.destroy();

  const sorted = latenciesMs.sort();
  return {
    count: options.total,
    elapsedMs,
    perSecond: (options.total / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1],
    outcomes,
    transportErrors,
    firstTransportError,
  };
}
