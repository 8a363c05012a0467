export default definePageConfig({ navigationBarTitleText: '流量明细' });
