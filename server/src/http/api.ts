import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { invalidInput } from '../platform/errors';
import { requireAccess, type Access, type AuthDeps } from './auth';
import { idempotent, type Resume } from './idempotency';
import { untrackedOutcome, type OutcomeRecorder } from '../platform/outcomes';
import type { IdempotencyStore } from './idempotency-stores';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path below /api/v1, e.g. `/gifts/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  /** Moves data: needs an Idempotency-Key (SPEC §4). */
  movesData?: boolean;
  /** Where its idempotency records live: MySQL unless the route is a hot path. */
  idempotencyStore?: 'mysql' | 'redis' | 'redisInWork';
  /**
   * For a MySQL-backed route that moves data: the answer from the outcome its work recorded,
   * for a retry whose first attempt committed but never answered (a crash, a lost connection).
   */
  resume?: Resume;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status?: number;
}

export interface RouteInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  /** Where a route that moves data records its outcome, inside its transaction. */
  outcome: OutcomeRecorder;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/**
 * The routes of /api/v1, each declared once with its schemas: the same declaration validates
 * requests and feeds the OpenAPI document, so the two cannot drift apart.
 */
export class Api {
  readonly router = new Router({ prefix: '/api/v1' });
  readonly routes: RouteSpec[] = [];

  constructor(private readonly deps: AuthDeps & { idempotencyStores: Record<'mysql' | 'redis' | 'redisInWork', IdempotencyStore> }) {}

  add<S extends RouteSpec>(spec: S, handler: (ctx: Context, input: RouteInput<Infer<S['body']>, Infer<S['query']>>) => Promise<unknown>): void {
    this.routes.push(spec);
    const chain: Middleware[] = [requireAccess(this.deps, spec.access)];
    if (spec.movesData) chain.push(idempotent(this.deps.idempotencyStores[spec.idempotencyStore ?? 'mysql'], spec.resume, spec.status ?? 200));
    chain.push(async (ctx) => {
      const body = spec.body ? parse(spec.body, ctx.request.body ?? {}, 'body') : undefined;
      const query = spec.query ? parse(spec.query, ctx.query, 'query') : undefined;
      const outcome = (ctx.state.outcome as OutcomeRecorder | undefined) ?? untrackedOutcome;
      const result = await handler(ctx, { body, query, params: ctx.params, outcome } as RouteInput<Infer<S['body']>, Infer<S['query']>>);
      ctx.status = spec.status ?? 200;
      ctx.body = result;
    });
    // Validation runs before the idempotency claim would be wasteful to store, so check shape first.
    if (spec.movesData && spec.body) chain.splice(1, 0, validateOnly(spec.body));
    this.router[spec.method](spec.path, ...chain);
  }
}

function validateOnly(schema: z.ZodType): Middleware {
  return async (ctx, next) => {
    parse(schema, ctx.request.body ?? {}, 'body');
    await next();
  };
}

function parse(schema: z.ZodType, value: unknown, where: string): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  throw invalidInput(`Invalid ${where}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
}
