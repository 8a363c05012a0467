import {
  RefreshRequestSchema,
  RefreshResponseSchema,
  SignedOutSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  SmsCodeRequestSchema,
  SmsCodeResponseSchema,
  MeSchema,
  type Roles,
  type User,
} from '@liuliang/shared';
import type { Api } from '../api';
import { callerSessionId, callerUser } from '../auth';
import type { AuthService } from '../../modules/auth/service';

/** `rolesOf`: the roles a user acts in (SPEC §3.10), told by `GET /me` so a face shows the pages that fit. */
export function addAuthRoutes(api: Api, auth: AuthService, rolesOf: (user: User) => Promise<Roles>): void {
  api.add(
    {
      method: 'post',
      path: '/auth/sms-code',
      tag: 'auth',
      summary: 'Send a six-digit sign-in code by SMS',
      access: 'none',
      body: SmsCodeRequestSchema,
      response: SmsCodeResponseSchema,
    },
    async (ctx, { body }) => auth.sendCode(body.phone, ctx.ip),
  );
  api.add(
    {
      method: 'post',
      path: '/auth/login',
      tag: 'auth',
      summary: 'Sign in with the code; the first sign-in registers and credits waiting gifts',
      access: 'none',
      body: LoginRequestSchema,
      response: LoginResponseSchema,
    },
    async (ctx, { body }) => auth.login(body.phone, body.code, ctx.ip, body.invite),
  );
  api.add(
    {
      method: 'post',
      path: '/auth/refresh',
      tag: 'auth',
      summary: 'A new access token for a live session; the refresh token is replaced (one used twice signs the session out)',
      access: 'none',
      body: RefreshRequestSchema,
      response: RefreshResponseSchema,
    },
    async (_ctx, { body }) => auth.refresh(body.refreshToken),
  );
  api.add(
    {
      method: 'post',
      path: '/auth/logout',
      tag: 'auth',
      summary: 'Sign out this session: its access and refresh tokens are refused from now on',
      access: 'user-id',
      response: SignedOutSchema,
    },
    async (ctx) => auth.logout(callerSessionId(ctx)),
  );
  api.add(
    { method: 'get', path: '/me', tag: 'auth', summary: 'The signed-in user, with their operator role and sponsor memberships', access: 'user', response: MeSchema },
    async (ctx) => {
      const user = callerUser(ctx);
      return { ...user, roles: await rolesOf(user) };
    },
  );
}
