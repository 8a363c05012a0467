import { Button, Text, View } from '@tarojs/components';
import { SPONSOR_CONTACTS_MAX, type MySponsor } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { PAGES } from '../../navigation';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';
import { checkFundWarnings, describeLevels, fundWarningsFieldsOf, type FundWarningsFields } from './fundWarningsForm';

/**
 * The sponsor's fund early warning (SPEC §3.9): when the available budget falls to a level, every
 * contact is told once by SMS and e-mail. The owner edits the levels and contacts; staff see them.
 */
export function FundWarnings({ sponsor, onSaved }: { sponsor: MySponsor; onSaved: () => void }) {
  const { api } = useServices();
  const [fields, setFields] = useState<FundWarningsFields>(() => fundWarningsFieldsOf(sponsor));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  if (sponsor.role !== 'owner') {
    return (
      <View className='card' data-testid='fund-warnings'>
        <Text className='card-title'>预算预警</Text>
        <Text className='muted' data-testid='fund-levels'>{`${describeLevels(sponsor)} · 联系人 ${sponsor.contacts.length} 位（仅所有者可修改）`}</Text>
      </View>
    );
  }

  const setContact = (index: number, key: 'phone' | 'email') => (value: string) =>
    setFields((f) => ({ ...f, contacts: f.contacts.map((c, i) => (i === index ? { ...c, [key]: value } : c)) }));

  async function save() {
    const checked = checkFundWarnings(fields);
    setSaved(false);
    if (!checked.ok) return setError(checked.error);
    setError(null);
    setSaving(true);
    try {
      // Setting the levels again is harmless: no Idempotency-Key, as for the service's PATCH.
      await api.updateSponsor(sponsor.id, checked.value);
      setSaved(true);
      onSaved();
    } catch (failure) {
      setError(failureMessage(failure, PAGES.sponsor));
    } finally {
      setSaving(false);
    }
  }

  return (
    <View className='card' data-testid='fund-warnings'>
      <Text className='card-title'>预算预警</Text>
      <Text className='muted'>可用预算降到预警线或告警线时，每位联系人各收到一次短信和邮件；预算回升到线以上后才会再次提醒。填 0 表示不提醒。</Text>
      <ErrorMessage message={error} />
      <TextField label='预警线（MB）' testId='warn-level-input' numeric value={fields.warnText} onChange={(v) => setFields((f) => ({ ...f, warnText: v }))} />
      <TextField label='告警线（MB）' testId='alert-level-input' numeric value={fields.alertText} onChange={(v) => setFields((f) => ({ ...f, alertText: v }))} />
      {fields.contacts.map((contact, i) => (
        <View key={i} className='row' data-testid={`contact-${i}`}>
          <TextField label={`联系人 ${i + 1} 手机号`} testId={`contact-phone-${i}`} numeric maxLength={11} value={contact.phone} onChange={setContact(i, 'phone')} />
          <TextField label='邮箱' testId={`contact-email-${i}`} value={contact.email} onChange={setContact(i, 'email')} />
          <Button size='mini' data-testid={`remove-contact-${i}`} onClick={() => setFields((f) => ({ ...f, contacts: f.contacts.filter((_, j) => j !== i) }))}>
            删除
          </Button>
        </View>
      ))}
      {fields.contacts.length < SPONSOR_CONTACTS_MAX && (
        <Button size='mini' data-testid='add-contact-button' onClick={() => setFields((f) => ({ ...f, contacts: [...f.contacts, { phone: '', email: '' }] }))}>
          添加联系人
        </Button>
      )}
      <Button className='btn-primary' data-testid='save-warnings-button' disabled={saving} onClick={save}>
        {saving ? '正在保存…' : '保存预警设置'}
      </Button>
      {saved && (
        <View className='notice notice-success' data-testid='warnings-saved'>
          <Text>已保存</Text>
        </View>
      )}
    </View>
  );
}
