export default definePageConfig({ navigationBarTitleText: '送流量' });
