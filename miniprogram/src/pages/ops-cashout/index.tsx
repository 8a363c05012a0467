import { Button, Text, View } from '@tarojs/components';
import { formatMb, type OpsOrder, type Supplier } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { Page } from '../../frame/Page';
import { checkAmountMb, checkPhone } from '../../forms/validation';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

/** Bound on a daily cap typed here, as the service's own bound. */
const CAP_MAX_MB = 1024 ** 3;

/** Operators (SPEC §3.7, §3.10): suppliers with today's volume (switch on/off, change the cap), and orders looked up by phone. */
export default function OpsCashoutPage() {
  const { api } = useServices();
  const signedIn = useSignedIn(PAGES.opsCashout);
  const [suppliers, setSuppliers] = useState<Supplier[]>([]);
  const [caps, setCaps] = useState<Record<string, string>>({});
  const [phone, setPhone] = useState('');
  const [orders, setOrders] = useState<OpsOrder[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (failure: unknown) => setError(failureMessage(failure, PAGES.opsCashout));
  const load = () => api.listSuppliers().then((page) => setSuppliers(page.items), fail);

  useEffect(() => {
    if (signedIn) void load();
  }, [signedIn]);

  async function change(supplier: Supplier, request: { enabled?: boolean; dailyCapMb?: number }) {
    setError(null);
    try {
      await api.updateSupplier(supplier.id, request);
      await load();
    } catch (failure) {
      fail(failure);
    }
  }

  function saveCap(supplier: Supplier) {
    const cap = checkAmountMb(caps[supplier.id] ?? '', { minMb: 1, maxMb: CAP_MAX_MB }, '每日上限');
    if (!cap.ok) return setError(cap.error);
    void change(supplier, { dailyCapMb: cap.value });
  }

  async function lookUp() {
    const checked = checkPhone(phone);
    if (!checked.ok) return setError(checked.error);
    setError(null);
    try {
      setOrders((await api.lookUpOrders(checked.value)).items);
    } catch (failure) {
      fail(failure);
    }
  }

  if (!signedIn) return <View className='page' />;
  return (
    <Page title='充值供应商与订单'>
      <ErrorMessage message={error} />
      <View className='card'>
        <Text className='card-title'>供应商</Text>
        {suppliers.map((s) => (
          <View key={s.id} className='row' data-testid={`supplier-${s.name}`}>
            <Text>{`${s.name} · 优先级 ${s.priority} · 今日 ${formatMb(s.todayUsedMb)} / ${formatMb(s.dailyCapMb)} · ${s.enabled ? '启用' : '停用'}`}</Text>
            <Button className='btn-link' data-testid={`toggle-${s.name}`} onClick={() => change(s, { enabled: !s.enabled })}>
              {s.enabled ? '停用' : '启用'}
            </Button>
            <TextField label='每日上限（MB）' testId={`cap-${s.name}`} numeric value={caps[s.id] ?? ''} onChange={(value) => setCaps({ ...caps, [s.id]: value })} />
            <Button className='btn-link' data-testid={`save-cap-${s.name}`} onClick={() => saveCap(s)}>
              保存上限
            </Button>
          </View>
        ))}
      </View>
      <View className='card'>
        <Text className='card-title'>按手机号查订单</Text>
        <TextField label='手机号' testId='orders-phone-input' numeric maxLength={11} value={phone} onChange={setPhone} />
        <Button className='btn-primary' data-testid='orders-lookup-button' onClick={lookUp}>
          查询
        </Button>
        {orders?.map((o) => (
          <View key={o.id} className='row' data-testid='ops-order'>
            <Text>{`${o.id} · ${formatMb(o.sizeMb)} · ${o.status} · ${o.attempts.map((a) => `${a.supplier}:${a.status}`).join(' → ')}`}</Text>
          </View>
        ))}
        {orders?.length === 0 && <Text className='muted'>没有订单</Text>}
      </View>
    </Page>
  );
}
