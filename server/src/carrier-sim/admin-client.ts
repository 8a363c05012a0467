import type { FaultSettings } from './faults';
import type { DeductionRecord, MessageRecord, PlanView } from './world';
import type { RechargeRecord, SupplierBehaviour } from './suppliers';

/**
 * A typed client of the simulator's unsigned admin endpoints, for tests and demo scripts that
 * need to set up plans, inject faults and look at what the "outside world" saw.
 */

/** What the admin endpoints list: the simulator's own records, as JSON. */
export type SimDeduction = DeductionRecord;
export type SimMessage = MessageRecord;
export type SimPlan = PlanView;

export interface CarrierSimAdmin {
  setFaults(faults: Partial<FaultSettings>): Promise<void>;
  reset(): Promise<void>;
  setPlan(plan: { phone: string; totalMb: number; usedMb: number }): Promise<SimPlan>;
  listDeductions(phone?: string): Promise<SimDeduction[]>;
  listMessages(to?: string): Promise<SimMessage[]>;
  /** Creates (or reconfigures) a supplier the simulator plays at `{simUrl}/suppliers/{name}`. */
  setSupplier(supplier: { name: string; secret: string; behaviour?: SupplierBehaviour; callbackDelayMs?: number; seed?: number }): Promise<void>;
  rechargeRecords(name: string): Promise<RechargeRecord[]>;
  tamperRecord(name: string, change: { op: 'delete'; attemptId: string } | { op: 'set'; attemptId: string; status?: 'succeeded' | 'failed'; sizeMb?: number }): Promise<void>;
  /** Where the provider's webhooks (replies, receipts) go: the service's base URL. */
  setWebhookTarget(url: string): Promise<void>;
  /** A person replies to an SMS: the provider's signed inbound webhook; the service's answer. */
  reply(from: string, text: string): Promise<{ status: number; body: unknown }>;
  /** Delivery receipts for every SMS (to one number, or all) not yet given one. */
  sendReceipts(status: 'delivered' | 'failed', to?: string): Promise<number>;
}

export function createCarrierSimAdmin(simUrl: string): CarrierSimAdmin {
  const raw = async (path: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${simUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${simUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`carrier sim ${method} ${path} answered ${response.status}: ${text}`);
    // The sim is our own test double, so its admin answers are trusted as typed.
    return JSON.parse(text) as T;
  };
  const query = (name: string, value: string | undefined): string =>
    value === undefined ? '' : `?${name}=${encodeURIComponent(value)}`;

  return {
    setFaults: async (faults) => {
      await call('POST', '/admin/faults', faults);
    },
    reset: async () => {
      await call('POST', '/admin/reset', {});
    },
    setPlan: (plan) => call<SimPlan>('POST', '/admin/plans', plan),
    listDeductions: async (phone) =>
      (await call<{ items: SimDeduction[] }>('GET', `/admin/deductions${query('phone', phone)}`)).items,
    listMessages: async (to) => (await call<{ items: SimMessage[] }>('GET', `/admin/messages${query('to', to)}`)).items,
    setSupplier: async (supplier) => {
      await call('POST', '/admin/suppliers', supplier);
    },
    rechargeRecords: async (name) => (await call<{ items: RechargeRecord[] }>('GET', `/admin/suppliers/${name}/records`)).items,
    tamperRecord: async (name, change) => {
      await call('POST', `/admin/suppliers/${name}/tamper`, change);
    },
    setWebhookTarget: async (url) => {
      await call('POST', '/admin/webhook', { url });
    },
    reply: (from, text) => raw('/admin/replies', { from, text }),
    sendReceipts: async (status, to) => (await call<{ sent: number }>('POST', '/admin/receipts', { status, to })).sent,
  };
}
