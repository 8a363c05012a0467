import { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isWellFormedNonce, NONCE_HEADER, SIGNATURE_HEADER, signedAnswerHeaders, TIMESTAMP_HEADER, verifyRequest, type NonceStore } from '../carrier/signing';
import { Answer, errorAnswer, parseJson, readBody, sendAnswer } from './http-io';
import { SIM_PHONE_PATTERN } from './plans';
import { SimSupplier, SimSupplierConfigSchema } from './suppliers';

/**
 * The suppliers' side of SPEC §3.7's protocol, at `/suppliers/:name/…` (a supplier's endpoint is
 * `{sim}/suppliers/{name}`): signed requests in, signed answers out, each with the supplier's
 * own secret. Plus unsigned admin routes for tests to configure suppliers and read their records.
 */

const RechargeBody = z.object({
  attemptId: z.string().min(1).max(64),
  phone: z.string().regex(SIM_PHONE_PATTERN),
  sizeMb: z
    .number()
    .int()
    .positive()
    .max(1024 * 1024),
  callbackUrl: z.string().url().max(500),
});
const TamperBody = z.discriminatedUnion('op', [
  z.object({ op: z.literal('delete'), attemptId: z.string().min(1).max(64) }),
  z.object({
    op: z.literal('set'),
    attemptId: z.string().min(1).max(64),
    status: z.enum(['succeeded', 'failed']).optional(),
    sizeMb: z.number().int().positive().optional(),
    phone: z.string().regex(SIM_PHONE_PATTERN).optional(),
  }),
]);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Bound on the suppliers one simulator plays. */
const MAX_SUPPLIERS = 50;

export class SimSuppliers {
  private readonly byName = new Map<string, SimSupplier>();

  constructor(
    private readonly clock: () => number,
    private readonly seenNonces: NonceStore,
    private readonly answerLater: (res: ServerResponse, delayMs: number, send: () => void) => void,
    private readonly heldAnswerMs: number,
  ) {}

  reset(): void {
    for (const supplier of this.byName.values()) supplier.close();
    this.byName.clear();
  }

  /** `/suppliers/:name/recharges`, `/suppliers/:name/recharges/:id`, `/suppliers/:name/records?date=`. */
  async answer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, , name, resource, id, ...rest] = url.pathname.split('/');
    const supplier = this.byName.get(name);
    if (!supplier || rest.length > 0) return sendAnswer(res, errorAnswer(404, 'NOT_FOUND', `no supplier at ${url.pathname}`));
    const target = { method: req.method ?? 'GET', pathWithQuery: req.url ?? url.pathname };
    const nonce = headerValue(req, NONCE_HEADER);
    const boundTo = { ...target, nonce: isWellFormedNonce(nonce) ? nonce : '' };
    const send = (answer: Answer): void =>
      sendAnswer(res, answer, (status, rawBody) => signedAnswerHeaders(supplier.config.secret, { request: boundTo, status, timestampMs: this.clock(), rawBody }));
    const read = await readBody(req);
    if (!read.ok) return send(read.answer);
    const check = verifyRequest({
      secret: supplier.config.secret,
      target,
      timestampHeader: headerValue(req, TIMESTAMP_HEADER),
      nonceHeader: nonce,
      signatureHeader: headerValue(req, SIGNATURE_HEADER),
      rawBody: read.rawBody,
      nowMs: this.clock(),
      seenNonces: this.seenNonces,
    });
    if (!check.ok) return send(errorAnswer(check.code === 'REPLAY_STORE_FULL' ? 503 : 401, check.code, check.message));

    if (req.method === 'POST' && resource === 'recharges' && id === undefined) {
      const json = parseJson(read.rawBody);
      if (!json.ok) return send(json.answer);
      const body = RechargeBody.safeParse(json.value);
      if (!body.success) return send(errorAnswer(400, 'VALIDATION_FAILED', z.prettifyError(body.error)));
      const outcome = supplier.recharge(body.data);
      if (outcome.kind === 'refused') return send(errorAnswer(422, 'REFUSED', 'simulated refusal, nothing was done'));
      if (outcome.kind === 'full') return send(errorAnswer(503, 'STORE_FULL', 'the supplier keeps no more records'));
      const accepted: Answer = { status: 202, body: { attemptId: body.data.attemptId, status: 'accepted' } };
      // Held far past any client timeout: the caller cannot tell what was done.
      if (outcome.kind === 'hold') return this.answerLater(res, this.heldAnswerMs, () => send(accepted));
      return send(accepted);
    }
    if (req.method === 'GET' && resource === 'recharges' && id !== undefined) {
      return send({ status: 200, body: { attemptId: decodeURIComponent(id), ...supplier.query(decodeURIComponent(id)) } });
    }
    if (req.method === 'GET' && resource === 'records' && id === undefined) {
      const date = url.searchParams.get('date') ?? '';
      if (!DAY.test(date)) return send(errorAnswer(400, 'VALIDATION_FAILED', 'date must be YYYY-MM-DD'));
      const items = supplier.recordsOf(date).map((r) => ({ attemptId: r.attemptId, phone: r.phone, sizeMb: r.sizeMb, status: r.status, supplierRef: r.supplierRef }));
      return send({ status: 200, body: { date, items } });
    }
    send(errorAnswer(404, 'NOT_FOUND', `no ${req.method} ${url.pathname}`));
  }

  /** Unsigned admin: `POST /admin/suppliers` (create or reconfigure), `POST /admin/suppliers/:name/tamper`. */
  adminPost(path: string, body: unknown): Answer | undefined {
    if (path === '/admin/suppliers') {
      // Reconfiguring a known supplier may leave its secret out: it keeps the one it has.
      const known = typeof body === 'object' && body !== null ? this.byName.get(String((body as { name?: unknown }).name)) : undefined;
      const config = SimSupplierConfigSchema.safeParse(known && !('secret' in (body as object)) ? { ...(body as object), secret: known.config.secret } : body);
      if (!config.success) return errorAnswer(400, 'VALIDATION_FAILED', z.prettifyError(config.error));
      const existing = this.byName.get(config.data.name);
      if (existing) existing.reconfigure(config.data);
      else if (this.byName.size >= MAX_SUPPLIERS) return errorAnswer(503, 'STORE_FULL', 'too many suppliers');
      else this.byName.set(config.data.name, new SimSupplier(config.data, this.clock));
      const { secret: _secret, ...shown } = config.data;
      return { status: 200, body: shown };
    }
    const tamper = /^\/admin\/suppliers\/([a-z0-9-]+)\/tamper$/.exec(path);
    if (tamper) {
      const supplier = this.byName.get(tamper[1]);
      if (!supplier) return errorAnswer(404, 'NOT_FOUND', 'no such supplier');
      const change = TamperBody.safeParse(body);
      if (!change.success) return errorAnswer(400, 'VALIDATION_FAILED', z.prettifyError(change.error));
      return { status: 200, body: { changed: supplier.tamper(change.data) } };
    }
    return undefined;
  }

  /** `GET /admin/suppliers/:name/records`: everything the supplier did, every day. */
  adminGet(path: string): Answer | undefined {
    const records = /^\/admin\/suppliers\/([a-z0-9-]+)\/records$/.exec(path);
    if (!records) return undefined;
    const supplier = this.byName.get(records[1]);
    if (!supplier) return errorAnswer(404, 'NOT_FOUND', 'no such supplier');
    return { status: 200, body: { items: supplier.allRecords() } };
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
