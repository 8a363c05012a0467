import { Button, Text, View } from '@tarojs/components';
import { formatMb, maskPhone, type CashoutOrder, type CashoutProduct } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Page } from '../../frame/Page';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

/** How often a processing order is looked at again, and for how long at most (it keeps running on the service). */
export const ORDER_POLL_MS = 1_500;
const ORDER_POLLS_MAX = 200;

const STATUS_TEXT: Record<CashoutOrder['status'], string> = { processing: '充值中', succeeded: '已到账', failed: '未成功，已退回钱包' };

/** Cash data out to one's own number (SPEC §3.7): the packages of my carrier, a confirmation, the order as it runs, my orders. */
export default function CashoutPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.cashout);
  const [products, setProducts] = useState<CashoutProduct[]>([]);
  const [orders, setOrders] = useState<CashoutOrder[]>([]);
  const [chosen, setChosen] = useState<CashoutProduct | null>(null);
  const [current, setCurrent] = useState<CashoutOrder | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { submitting, submit } = useSubmission();

  const fail = (failure: unknown) => setError(failureMessage(failure, PAGES.cashout));
  const loadOrders = () => api.listCashoutOrders().then((page) => setOrders(page.items), fail);

  useEffect(() => {
    if (!signedIn) return;
    api.listCashoutProducts().then((page) => setProducts(page.items), fail);
    void loadOrders();
  }, [signedIn]);

  // While the order runs in the background, look again now and then until it ends.
  useEffect(() => {
    if (!current || current.status !== 'processing') return;
    let polls = 0;
    const timer = setInterval(() => {
      if (++polls > ORDER_POLLS_MAX) return clearInterval(timer);
      api.getCashoutOrder(current.id).then((order) => {
        if (order.status === 'processing') return;
        setCurrent(order);
        void loadOrders();
      }, fail);
    }, ORDER_POLL_MS);
    return () => clearInterval(timer);
  }, [current?.id, current?.status]);

  async function confirm() {
    if (!chosen) return setError('请先选择流量包');
    setError(null);
    try {
      setCurrent(await submit({ productId: chosen.id }, (key) => api.placeCashoutOrder(chosen.id, key)));
      setChosen(null);
      void loadOrders();
    } catch (failure) {
      fail(failure);
    }
  }

  if (!signedIn) return <View className='page' />;
  const user = session.readUser();
  return (
    <Page title='流量充值到手机'>
      <ErrorMessage message={error} />
      <View className='card'>
        <Text className='card-title'>{`充值到本机 ${user ? maskPhone(user.phone) : ''}`}</Text>
        {products.map((product) => (
          <View
            key={product.id}
            className={chosen?.id === product.id ? 'action action-selected' : 'action'}
            data-testid={`product-${product.id}`}
            onClick={() => setChosen(product)}
          >
            <Text>{`${formatMb(product.sizeMb)} 流量包 · 需 ${formatMb(product.priceMb)}`}</Text>
          </View>
        ))}
        {chosen && (
          <View className='notice' data-testid='cashout-confirm'>
            <Text>{`从钱包扣 ${formatMb(chosen.priceMb)}，为 ${user ? maskPhone(user.phone) : '本机'} 充值 ${formatMb(chosen.sizeMb)}。`}</Text>
            <Button className='btn-primary' data-testid='cashout-confirm-button' disabled={submitting} onClick={confirm}>
              {submitting ? '正在下单…' : '确认充值'}
            </Button>
          </View>
        )}
        {current && (
          <View className={current.status === 'succeeded' ? 'notice notice-success' : 'notice'} data-testid='cashout-status'>
            <Text>{`${formatMb(current.sizeMb)}：${STATUS_TEXT[current.status]}`}</Text>
          </View>
        )}
      </View>
      <View className='card'>
        <Text className='card-title'>我的充值</Text>
        {orders.length === 0 && <Text className='muted'>还没有充值记录</Text>}
        {orders.map((order) => (
          <View key={order.id} className='row' data-testid='cashout-order'>
            <Text>{`${formatMb(order.sizeMb)} · ${STATUS_TEXT[order.status]}`}</Text>
          </View>
        ))}
      </View>
    </Page>
  );
}
