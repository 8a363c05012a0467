export default definePageConfig({ navigationBarTitleText: '充值供应商与订单' });
