export default definePageConfig({ navigationBarTitleText: '流量钱包' });
