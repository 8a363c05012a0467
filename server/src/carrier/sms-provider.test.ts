import { createCarrierSimAdmin, CarrierSimAdmin } from '../carrier-sim/admin-client';
import { CarrierSim, startCarrierSim } from '../carrier-sim/sim';
import { createCarrierGateway } from './gateway';
import { createMessageProvider, MessageProvider, MessageProviderError } from './sms-provider';

const SECRET = 'provider-test-secret';
const CARRIER_SECRET = 'carrier-of-provider-test-secret';

let sim: CarrierSim;
let admin: CarrierSimAdmin;
let provider: MessageProvider;

beforeAll(async () => {
  sim = await startCarrierSim({ port: 0, secret: CARRIER_SECRET, messageProviderSecret: SECRET });
  admin = createCarrierSimAdmin(sim.url);
  provider = createMessageProvider({ baseUrl: sim.url, secret: SECRET, timeoutMs: 1_000 });
});
afterAll(() => sim.close());
beforeEach(() => admin.reset());

describe('the message provider client', () => {
  it('sends an SMS that the provider records and lists by recipient', async () => {
    const { messageId } = await provider.sendSms('13812345678', '【流量】您的验证码是 123456');
    await provider.sendSms('13900000000', 'someone else');

    const listed = await admin.listMessages('13812345678');
    expect(listed).toEqual([
      expect.objectContaining({ messageId, channel: 'sms', to: '13812345678', text: '【流量】您的验证码是 123456' }),
    ]);
    expect(Date.parse(listed[0].at)).not.toBeNaN();
    expect(await admin.listMessages()).toHaveLength(2);
  });

  it('sends an e-mail with its subject', async () => {
    await provider.sendEmail('ops@sponsor.example', '活动结果', '10 位用户中奖');
    expect(await admin.listMessages('ops@sponsor.example')).toEqual([
      expect.objectContaining({ channel: 'email', subject: '活动结果', text: '10 位用户中奖' }),
    ]);
  });

  it('gives each message its own id', async () => {
    const first = await provider.sendSms('13812345678', 'one');
    const second = await provider.sendSms('13812345678', 'two');
    expect(first.messageId).not.toBe(second.messageId);
  });

  it('fails for good, not retryable, when the provider refuses the recipient', async () => {
    const failure = await provider.sendSms('not-a-number', 'hello').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MessageProviderError);
    expect(failure).toMatchObject({ status: 400, retryable: false });
    expect(await admin.listMessages()).toEqual([]);
  });

  it('fails retryably during an outage, and when it cannot verify the answer to a wrong secret', async () => {
    await admin.setFaults({ errorRate: 1 });
    await expect(provider.sendSms('13812345678', 'hello')).rejects.toMatchObject({ status: 503, retryable: true });
    await admin.setFaults({});

    // The provider's 401 is signed with the key we do not hold: it may as well be forged, so it
    // cannot be the definite refusal that would drop the message.
    const misconfigured = createMessageProvider({ baseUrl: sim.url, secret: 'wrong', timeoutMs: 1_000 });
    await expect(misconfigured.sendSms('13812345678', 'hello')).rejects.toMatchObject({ retryable: true, reason: expect.stringMatching(/not trusted/) });
    expect(await admin.listMessages()).toEqual([]);
  });

  it('fails for good when the provider refuses the message', async () => {
    await admin.setFaults({ refusalRate: 1 });
    await expect(provider.sendSms('13812345678', 'hello')).rejects.toMatchObject({ status: 422, retryable: false });
    expect(await admin.listMessages()).toEqual([]);
  });

  it('fails retryably when the provider does not answer in time', async () => {
    const impatient = createMessageProvider({ baseUrl: sim.url, secret: SECRET, timeoutMs: 200 });
    await admin.setFaults({ timeoutRate: 1 });
    await expect(impatient.sendSms('13812345678', 'hello')).rejects.toMatchObject({ retryable: true });
  });

  it('is refused when it signs with the carrier secret, and the carrier refuses the provider secret', async () => {
    const withCarrierSecret = createMessageProvider({ baseUrl: sim.url, secret: CARRIER_SECRET, timeoutMs: 1_000 });
    await expect(withCarrierSecret.sendSms('13812345678', 'hello')).rejects.toBeInstanceOf(MessageProviderError);
    expect(await admin.listMessages()).toEqual([]);

    await admin.setPlan({ phone: '13812345678', totalMb: 1_000, usedMb: 0 });
    const carrierWithProviderSecret = createCarrierGateway({ baseUrl: sim.url, secret: SECRET, timeoutMs: 1_000 });
    expect((await carrierWithProviderSecret.deduct({ requestId: 'cross', phone: '13812345678', amountMb: 10 })).outcome).not.toBe('succeeded');
    expect(await admin.listDeductions()).toEqual([]);
  });
});
