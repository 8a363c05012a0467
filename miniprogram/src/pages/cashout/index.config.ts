export default definePageConfig({ navigationBarTitleText: '流量充值到手机' });
