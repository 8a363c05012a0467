import { z } from 'zod';
import { AvatarUploadSchema, MarkNoticesReadSchema, NoticeReadsSchema, ProfileUpdateSchema, RecipientQuerySchema, RecipientSchema, UserSchema } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser, callerUserId, forgetCachedUser } from '../auth';
import type { Deps } from '../../deps';
import { ProfileService } from '../../modules/auth/profile';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';

/** The path of the one route whose JSON body may be larger than BODY_LIMIT_BYTES: it carries an image. */
export const AVATAR_UPLOAD_PATH = '/api/v1/me/avatar';
const AvatarId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');
/** An avatar's URL changes with every upload, so what it serves never changes. */
const AVATAR_CACHE = 'public, max-age=31536000, immutable';

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
      method: 'put',
      path: '/me/avatar',
      tag: 'auth',
      summary: 'Upload your face: base64 PNG, JPEG, WebP or GIF (told by its bytes), at most AVATAR_MAX_BYTES decoded',
      access: 'user',
      body: AvatarUploadSchema,
      response: UserSchema,
    },
    async (ctx, { body }) => {
      const user = await profile.setAvatar(callerUser(ctx), body.image);
      forgetCachedUser(user.id);
      return user;
    },
  );
  api.add({ method: 'delete', path: '/me/avatar', tag: 'auth', summary: 'Back to the face generated from your nickname', access: 'user', response: UserSchema }, async (ctx) => {
    const user = await profile.clearAvatar(callerUser(ctx));
    forgetCachedUser(user.id);
    return user;
  });
  api.add(
    {
      method: 'get',
      path: '/avatars/:id',
      tag: 'auth',
      summary: 'An uploaded face, as the image itself; public, as an <img> sends no token, and named by an unguessable id',
      access: 'none',
    },
    async (ctx, { params }) => {
      const avatar = await profile.avatar(AvatarId.parse(params.id));
      ctx.type = avatar.contentType;
      ctx.set('Cache-Control', AVATAR_CACHE);
      return avatar.bytes;
    },
  );
  api.add(
    {
      method: 'get',
      path: '/me/notices/read',
      tag: 'auth',
      summary: "The message centre's lines you have read (their ids, newest mark first)",
      access: 'user-id',
      response: NoticeReadsSchema,
    },
    async (ctx) => profile.noticeReads({ id: callerUserId(ctx) }),
  );
  api.add(
    {
      method: 'post',
      path: '/me/notices/read',
      tag: 'auth',
      summary: 'Mark lines of the message centre read (one when opened, or every line shown for 全部已读); marking twice changes nothing',
      access: 'user-id',
      body: MarkNoticesReadSchema,
      response: NoticeReadsSchema,
    },
    async (ctx, { body }) => profile.markNoticesRead({ id: callerUserId(ctx) }, body.ids),
  );
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
