import { ProfileUpdateSchema, RecipientQuerySchema, RecipientSchema, UserSchema } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser, forgetCachedUser } from '../auth';
import type { Deps } from '../../deps';
import { ProfileService } from '../../modules/auth/profile';

/** The signed-in person's name, and the recipient look-up behind a gift's confirm sheet. */
export function addProfileRoutes(api: Api, deps: Deps): void {
  const profile = new ProfileService(deps);
  // PATCH as issue 16 names it, and PUT with the same body: weapp's wx.request cannot send PATCH.
  for (const method of ['patch', 'put'] as const) {
    api.add(
      {
        method,
        path: '/me',
        tag: 'auth',
        summary: 'Change your nickname (1–20 characters, no control or invisible characters)',
        access: 'user',
        body: ProfileUpdateSchema,
        response: UserSchema,
      },
      async (ctx, { body }) => {
        const user = await profile.rename(callerUser(ctx), body.nickname);
        forgetCachedUser(user.id);
        return user;
      },
    );
  }
  api.add(
    {
      method: 'get',
      path: '/recipients',
      tag: 'gifts',
      summary: 'Who a gift to this number reaches: masked number, registered or not, nickname. 429 after RECIPIENT_LOOKUPS_PER_HOUR a user',
      access: 'user',
      query: RecipientQuerySchema,
      response: RecipientSchema,
    },
    async (ctx, { query }) => profile.lookupRecipient(callerUser(ctx), query.phone),
  );
}
