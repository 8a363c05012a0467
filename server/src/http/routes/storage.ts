import { z } from 'zod';
import { DepositRequestSchema, DepositSchema, StorageSchema } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser } from '../auth';
import type { StorageService } from '../../modules/storage/service';

export function addStorageRoutes(api: Api, storage: StorageService): void {
  api.add(
    { method: 'get', path: '/storage', tag: 'storage', summary: "This month's carrier plan and what may still be banked", access: 'user', response: StorageSchema },
    async (ctx) => storage.view(callerUser(ctx)),
  );
  api.add(
    {
      method: 'post',
      path: '/storage/deposits',
      tag: 'storage',
      summary: 'Bank unused plan data into the wallet',
      access: 'user',
      movesData: true,
      body: DepositRequestSchema,
      response: DepositSchema,
      status: 201,
      resume: (ctx, ref) => storage.resumeDeposit(callerUser(ctx), ref.id),
    },
    async (ctx, { body, outcome }) => storage.deposit(callerUser(ctx), body.amountMb, outcome),
  );
  api.add({ method: 'get', path: '/storage/deposits/:id', tag: 'storage', summary: 'One of your deposits', access: 'user', response: DepositSchema }, async (ctx, { params }) =>
    storage.get(
      callerUser(ctx),
      z
        .string()
        .regex(/^\d{1,20}$/)
        .catch('0')
        .parse(params.id),
    ),
  );
}
