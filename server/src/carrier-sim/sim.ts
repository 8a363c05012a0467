import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { NonceCache } from '../carrier/nonce-cache';
import { isWellFormedNonce, NONCE_HEADER, SIGNATURE_HEADER, signedAnswerHeaders, TIMESTAMP_HEADER, verifyRequest } from '../carrier/signing';
import { drawFault, FaultSettings, NO_FAULTS } from './faults';
import { seededRandom } from '../platform/random';
import { Answer, errorAnswer, parseJson, readBody, sendAnswer } from './http-io';
import { adminGetRoute, adminPostRoute, BUSINESS_ROUTES } from './routes';
import { CarrierWorld } from './world';
import { SimSuppliers } from './supplier-routes';
import { ProviderWebhooks } from './webhooks';

/**
 * The carrier (and SMS/e-mail provider) simulator: a real HTTP server with its state in memory,
 * playing the outside world for tests and demos, faults included.
 */

/** How long a "timeout" fault holds its answer: far past any client timeout; close() releases it. */
export const HELD_ANSWER_MS = 30_000;

export interface CarrierSimOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Interface to listen on; loopback unless the sim must be reachable from other hosts. */
  host?: string;
  /** The carrier's secret: signs the /plans endpoints. */
  secret: string;
  /** The SMS/e-mail provider's own secret: signs /sms and /email, never the carrier's. */
  messageProviderSecret: string;
  clock?: () => number;
  /** The service the provider's webhooks (replies, receipts) go to; settable later with /admin/webhook. */
  webhookUrl?: string;
  /** Bound on the nonces remembered for the replay window (both parties together). */
  maxRememberedNonces?: number;
}

export interface CarrierSim {
  url: string;
  close(): Promise<void>;
}

export async function startCarrierSim(options: CarrierSimOptions): Promise<CarrierSim> {
  if (options.secret === options.messageProviderSecret) {
    throw new Error('carrier sim: the carrier and the message provider must not share a secret');
  }
  const clock = options.clock ?? Date.now;
  const world = new CarrierWorld(clock);
  const seenNonces = new NonceCache(options.maxRememberedNonces);
  const webhooks = new ProviderWebhooks(options.messageProviderSecret, clock, options.webhookUrl);
  let faults: FaultSettings = NO_FAULTS;
  let random = seededRandom(NO_FAULTS.seed);
  const setFaults = (next: FaultSettings): void => {
    faults = next;
    random = seededRandom(next.seed);
  };
  const pendingTimers = new Set<NodeJS.Timeout>();

  /** Runs `send` after `delayMs` unless the client leaves or the sim closes first. */
  const answerLater = (res: ServerResponse, delayMs: number, send: () => void): void => {
    if (delayMs <= 0) return send();
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      send();
    }, delayMs);
    pendingTimers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      pendingTimers.delete(timer);
    });
  };

  const suppliers = new SimSuppliers(clock, seenNonces, answerLater, HELD_ANSWER_MS);

  const answerBusiness = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const route = Object.hasOwn(BUSINESS_ROUTES, path) ? BUSINESS_ROUTES[path] : undefined;
    if (!route || req.method !== 'POST') return sendAnswer(res, errorAnswer(404, 'NOT_FOUND', `no ${req.method} ${path}`));
    const secret = route.party === 'messageProvider' ? options.messageProviderSecret : options.secret;
    // The request line as received: what the client signed, and what our answer is bound to.
    const target = { method: req.method, pathWithQuery: req.url ?? path };
    const requestNonce = headerValue(req, NONCE_HEADER);
    const boundTo = { ...target, nonce: isWellFormedNonce(requestNonce) ? requestNonce : '' };
    const signatureFor = (status: number, rawBody: string): Record<string, string> =>
      signedAnswerHeaders(secret, { request: boundTo, status, timestampMs: clock(), rawBody });
    const sendNow = (answer: Answer): void => sendAnswer(res, answer, signatureFor);

    const read = await readBody(req);
    if (!read.ok) return sendNow(read.answer);
    const fault = drawFault(faults, random);
    const send = (answer: Answer): void => answerLater(res, faults.latencyMs, () => sendNow(answer));
    if (fault === 'error') return send(errorAnswer(503, 'CARRIER_BUSY', 'simulated outage, nothing was done'));

    const signature = verifyRequest({
      secret,
      target,
      timestampHeader: headerValue(req, TIMESTAMP_HEADER),
      nonceHeader: requestNonce,
      signatureHeader: headerValue(req, SIGNATURE_HEADER),
      rawBody: read.rawBody,
      nowMs: clock(),
      seenNonces,
    });
    if (!signature.ok) {
      // A full nonce store is our own overload, not the caller's fault: busy, nothing done.
      return send(errorAnswer(signature.code === 'REPLAY_STORE_FULL' ? 503 : 401, signature.code, signature.message));
    }
    const json = parseJson(read.rawBody);
    if (!json.ok) return send(json.answer);
    if (fault === 'refusal') return send(errorAnswer(422, 'REFUSED', 'simulated refusal, nothing was done'));

    const answer = route.answer(world, json.value);
    // Both faults below strike after the work is done: the caller cannot tell whether it was.
    if (fault === 'lost') {
      req.socket.destroy();
      return;
    }
    if (fault === 'timeout') return answerLater(res, HELD_ANSWER_MS, () => sendNow(answer));
    send(answer);
  };

  const answerAdmin = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method === 'GET') {
      const answer = adminGetRoute(url.pathname, url.searchParams, world) ?? suppliers.adminGet(url.pathname);
      return sendAnswer(res, answer ?? errorAnswer(404, 'NOT_FOUND', `no GET ${url.pathname}`));
    }
    const reset = (faults: FaultSettings): void => {
      setFaults(faults);
      if (url.pathname === '/admin/reset') {
        webhooks.reset();
        suppliers.reset();
      }
    };
    const suppliersRoute = url.pathname.startsWith('/admin/suppliers') ? (body: unknown) => suppliers.adminPost(url.pathname, body) ?? errorAnswer(404, 'NOT_FOUND', `no POST ${url.pathname}`) : undefined;
    const syncRoute = req.method === 'POST' ? (adminPostRoute(url.pathname, world, reset) ?? suppliersRoute) : undefined;
    const route = syncRoute ? async (body: unknown) => syncRoute(body) : req.method === 'POST' ? webhooks.route(url.pathname, world) : undefined;
    if (!route) return sendAnswer(res, errorAnswer(404, 'NOT_FOUND', `no ${req.method} ${url.pathname}`));
    const read = await readBody(req);
    if (!read.ok) return sendAnswer(res, read.answer);
    // An empty body is fine for admin calls such as /admin/reset.
    const json = read.rawBody.trim() === '' ? { ok: true as const, value: {} } : parseJson(read.rawBody);
    sendAnswer(res, json.ok ? await route(json.value) : json.answer);
  };

  const answerRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://carrier-sim.invalid');
    if (url.pathname.startsWith('/admin/')) return answerAdmin(req, res, url);
    if (url.pathname.startsWith('/suppliers/')) return suppliers.answer(req, res, url);
    return answerBusiness(req, res, url.pathname);
  };

  const server = createServer((req, res) => {
    // Never crash on a request: whatever goes wrong becomes a 500 for that request only.
    answerRequest(req, res).catch((error: unknown) => {
      sendAnswer(res, errorAnswer(500, 'INTERNAL', error instanceof Error ? error.message : 'internal error'));
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('carrier sim: not listening on a TCP port');
  const { port } = address;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      suppliers.reset();
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      // Held ("timeout" fault) and idle keep-alive connections would keep close() waiting.
      server.closeAllConnections();
    });
    return closing;
  };

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { url: `http://${urlHost}:${port}`, close };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
