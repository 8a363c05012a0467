import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApiError } from '../../api/errors';
import { anActivity } from '../../../test/activities';
import { fakeApi, renderWithServices, signIn } from '../../../test/fakes';
import { checkFundWarnings, type FundWarningsFields } from './fundWarningsForm';
import SponsorPage from './index';

const sponsorOf = (role: 'owner' | 'staff') => ({
  id: 's-1',
  name: '星河饮料',
  role,
  budgetMb: 5120,
  warnMb: 2048,
  alertMb: 512,
  contacts: [{ phone: '13800138000', email: 'ops@xinghe.example' }],
  members: [],
  createdAt: '2026-03-01T00:00:00.000Z',
});
const fields: FundWarningsFields = { warnText: '2048', alertText: '512', contacts: [{ phone: '13800138000', email: '' }] };

describe('the fund warning form', () => {
  it('sends whole MB levels and the contacts typed, dropping empty rows', () => {
    expect(checkFundWarnings({ ...fields, contacts: [...fields.contacts, { phone: ' ', email: '' }, { phone: '', email: 'cfo@xinghe.example' }] })).toEqual({
      ok: true,
      value: { warnMb: 2048, alertMb: 512, contacts: [{ phone: '13800138000' }, { email: 'cfo@xinghe.example' }] },
    });
    expect(checkFundWarnings({ warnText: '0', alertText: '0', contacts: [] })).toEqual({ ok: true, value: { warnMb: 0, alertMb: 0, contacts: [] } });
  });

  it.each([
    [{ warnText: '512', alertText: '512' }, '预警线必须高于告警线'],
    [{ warnText: '100', alertText: '512' }, '预警线必须高于告警线'],
    [{ warnText: '-1' }, '预警线请填整数'],
    [{ alertText: '1.5' }, '告警线请填整数'],
    [{ contacts: [{ phone: '12345', email: '' }] }, '第 1 位联系人的手机号不正确'],
    [{ contacts: [{ phone: '', email: 'ops@' }] }, '第 1 位联系人的邮箱不正确'],
    [{ contacts: Array.from({ length: 11 }, () => ({ phone: '13800138000', email: '' })) }, '最多 10 位联系人'],
  ] as Array<[Partial<FundWarningsFields>, string]>)('refuses %p: %s', (change, error) => {
    const checked = checkFundWarnings({ ...fields, ...change });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toContain(error);
  });
});

describe('the fund warning section of the sponsor page', () => {
  beforeEach(() => signIn());
  const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
  const pageApi = (role: 'owner' | 'staff', more = {}) =>
    fakeApi({
      listMySponsors: jest.fn().mockResolvedValue({ items: [sponsorOf(role)] }),
      listSponsorActivities: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
      ...more,
    });

  it('lets the owner change the levels and add a contact, and refuses a bad form without calling the service', async () => {
    const api = pageApi('owner', { updateSponsor: jest.fn().mockResolvedValue(sponsorOf('owner')) });
    renderWithServices(<SponsorPage />, { api });
    expect(await screen.findByTestId('warn-level-input')).toHaveValue('2048');
    expect(screen.getByTestId('contact-email-0')).toHaveValue('ops@xinghe.example');
    type('alert-level-input', '4096');
    fireEvent.click(screen.getByTestId('save-warnings-button'));
    expect(screen.getByTestId('error-message')).toHaveTextContent('预警线必须高于告警线');
    expect(api.updateSponsor).not.toHaveBeenCalled();
    type('alert-level-input', '1024');
    fireEvent.click(screen.getByTestId('add-contact-button'));
    type('contact-email-1', 'cfo@xinghe.example');
    fireEvent.click(screen.getByTestId('save-warnings-button'));
    expect(await screen.findByTestId('warnings-saved')).toBeInTheDocument();
    expect(api.updateSponsor).toHaveBeenCalledWith('s-1', {
      warnMb: 2048,
      alertMb: 1024,
      contacts: [{ phone: '13800138000', email: 'ops@xinghe.example' }, { email: 'cfo@xinghe.example' }],
    });
  });

  it('words a refusal from the service', async () => {
    const api = pageApi('owner', { updateSponsor: jest.fn().mockRejectedValue(new ApiError('FORBIDDEN', 403, 'no')) });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('remove-contact-0'));
    expect(screen.queryByTestId('contact-0')).toBeNull();
    fireEvent.click(screen.getByTestId('save-warnings-button'));
    await waitFor(() => expect(screen.getByTestId('error-message')).toHaveTextContent('你没有权限这样做'));
    expect(api.updateSponsor).toHaveBeenCalledWith('s-1', { warnMb: 2048, alertMb: 512, contacts: [] });
  });

  it('shows staff the levels without a form', async () => {
    renderWithServices(<SponsorPage />, { api: pageApi('staff') });
    expect(await screen.findByTestId('fund-levels')).toHaveTextContent('预警线 2 GB · 告警线 512 MB · 联系人 1 位');
    expect(screen.queryByTestId('warn-level-input')).toBeNull();
  });

  it('loads more activities with the cursor the list gave', async () => {
    const api = pageApi('owner', {
      listSponsorActivities: jest
        .fn()
        .mockResolvedValueOnce({ items: [anActivity({ id: 'a-1' })], nextCursor: 'c-2' })
        .mockResolvedValueOnce({ items: [anActivity({ id: 'a-2' })], nextCursor: null }),
    });
    renderWithServices(<SponsorPage />, { api });
    fireEvent.click(await screen.findByTestId('more-activities-button'));
    expect(await screen.findByTestId('sponsor-activity-a-2')).toBeInTheDocument();
    expect(screen.getByTestId('sponsor-activity-a-1')).toBeInTheDocument();
    expect(api.listSponsorActivities).toHaveBeenLastCalledWith('s-1', 'c-2');
    expect(screen.queryByTestId('more-activities-button')).toBeNull();
  });
});
