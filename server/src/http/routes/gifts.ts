import { z } from 'zod';
import { GiftRequestSchema, GiftSchema } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser } from '../auth';
import type { GiftService } from '../../modules/gifts/service';

export function addGiftRoutes(api: Api, gifts: GiftService): void {
  api.add(
    {
      method: 'post',
      path: '/gifts',
      tag: 'gifts',
      summary: 'Give data to a phone number',
      access: 'user',
      movesData: true,
      body: GiftRequestSchema,
      response: GiftSchema,
      status: 201,
      resume: (ctx, ref) => gifts.get(callerUser(ctx), ref.id),
    },
    async (ctx, { body, outcome }) => gifts.send(callerUser(ctx), body, outcome),
  );
  api.add({ method: 'get', path: '/gifts/:id', tag: 'gifts', summary: 'A gift you sent or received', access: 'user', response: GiftSchema }, async (ctx, { params }) =>
    gifts.get(
      callerUser(ctx),
      z
        .string()
        .regex(/^\d{1,20}$/)
        .catch('0')
        .parse(params.id),
    ),
  );
}
