import type { OperatorRole, Roles, SponsorRole, User } from '@liuliang/shared';
import type { Sql } from '../../db/sql';
import { forbidden, notFound } from '../../platform/errors';

/**
 * Roles and access (SPEC §3.10), in the spirit of Immich's `requireAccess`: every service
 * operation of sponsors, activities and operators starts with one call naming the permission
 * it needs and the object it touches; this table is the only place that says who may.
 */

/** Who is asking: a signed-in user, directly or through the chat bot. */
export interface Actor {
  user: User;
  viaBot: boolean;
}

type Rule = {
  /** Operator roles that hold the permission. */
  operators: readonly OperatorRole[];
  /** Roles in the target sponsor that hold it. */
  members: readonly SponsorRole[];
  /** Any signed-in user holds it (the participant's side of an activity). */
  anyUser?: boolean;
  /** Allowed through the chat bot too; managing the platform or a sponsor is done in the app. */
  viaBot?: boolean;
};

const PERMISSIONS = {
  'operator.grant': { operators: ['admin'], members: [] },
  'sponsor.create': { operators: ['admin', 'finance'], members: [] },
  'sponsor.topup': { operators: ['admin', 'finance'], members: [] },
  'sponsor.list': { operators: ['admin', 'finance', 'support'], members: [] },
  'sponsor.mine': { operators: [], members: [], anyUser: true },
  'sponsor.read': { operators: ['admin', 'finance', 'support'], members: ['owner', 'staff'] },
  'sponsor.update': { operators: [], members: ['owner'] },
  'sponsor.members': { operators: [], members: ['owner'] },
  'activity.manage': { operators: [], members: ['owner', 'staff'] },
  'activity.report': { operators: ['admin', 'finance', 'support'], members: ['owner', 'staff'] },
  'activity.participate': { operators: [], members: [], anyUser: true, viaBot: true },
  // Cash-out (SPEC §3.7): anyone cashes out their own wallet, in the app or the bot; suppliers
  // (endpoints and secrets) are changed by admins only; finance and support read orders and
  // incidents to answer users; reconciliation is money, so admins and finance.
  'cashout.own': { operators: [], members: [], anyUser: true, viaBot: true },
  'supplier.manage': { operators: ['admin'], members: [] },
  'supplier.read': { operators: ['admin', 'finance', 'support'], members: [] },
  'cashout.orders.read': { operators: ['admin', 'finance', 'support'], members: [] },
  'cashout.incidents.read': { operators: ['admin', 'finance', 'support'], members: [] },
  'cashout.reconciliation.read': { operators: ['admin', 'finance'], members: [] },
  // Coupons spend the budget as activities do, so staff issue them too; codes are bearer value,
  // so operators may see a sponsor's batches but never take its codes.
  'coupon.manage': { operators: [], members: ['owner', 'staff'] },
  'coupon.read': { operators: ['admin', 'finance', 'support'], members: ['owner', 'staff'] },
  'coupon.redeem': { operators: [], members: [], anyUser: true, viaBot: true },
} as const satisfies Record<string, Rule>;

export type Permission = keyof typeof PERMISSIONS;

async function operatorRoleOf(sql: Sql, phone: string): Promise<OperatorRole | null> {
  const [row] = await sql.query('SELECT role FROM operators WHERE phone = ?', [phone]);
  return row ? (row.role as OperatorRole) : null;
}

async function memberRoleOf(sql: Sql, sponsorId: string, phone: string): Promise<SponsorRole | null> {
  const [row] = await sql.query('SELECT role FROM sponsor_members WHERE sponsor_id = ? AND phone = ?', [sponsorId, phone]);
  return row ? (row.role as SponsorRole) : null;
}

/** The roles a person acts in, for `GET /me`. */
export async function rolesOf(sql: Sql, phone: string): Promise<Roles> {
  const sponsors: Array<{ sponsor_id: string; name: string; role: SponsorRole }> = await sql.query(
    'SELECT m.sponsor_id, s.name, m.role FROM sponsor_members m JOIN sponsors s ON s.id = m.sponsor_id WHERE m.phone = ? ORDER BY s.created_at, s.id',
    [phone],
  );
  return { operator: await operatorRoleOf(sql, phone), sponsors: sponsors.map((s) => ({ sponsorId: s.sponsor_id, name: s.name, role: s.role })) };
}

/**
 * Refuses unless `actor` holds `permission` on `target` (a sponsor id, for the permissions
 * that act inside one). The answer for someone with no business there is 404, so that a
 * guessed sponsor id tells nothing; for a role that knows the object but may not do this, 403.
 * Returns the member role held, if any, for the operation to use.
 */
export async function requireAccess(sql: Sql, actor: Actor, permission: Permission, target?: { sponsorId: string }): Promise<SponsorRole | null> {
  const rule: Rule = PERMISSIONS[permission];
  if (actor.viaBot && !rule.viaBot) throw forbidden('This is done in the app, not through the chat bot.');
  if (rule.anyUser) return null;
  const operatorRole = await operatorRoleOf(sql, actor.user.phone);
  const memberRole = target ? await memberRoleOf(sql, target.sponsorId, actor.user.phone) : null;
  if (target) {
    const [sponsor] = await sql.query('SELECT id FROM sponsors WHERE id = ?', [target.sponsorId]);
    // Not a member and not an operator: whether this sponsor exists is none of their business.
    if (!sponsor || (memberRole === null && operatorRole === null)) throw notFound('No such sponsor.');
  }
  if (operatorRole !== null && rule.operators.includes(operatorRole)) return memberRole;
  if (memberRole !== null && rule.members.includes(memberRole)) return memberRole;
  throw forbidden(`Your role may not do this (${permission}).`);
}
