export default definePageConfig({ navigationBarTitleText: '兑换卡密' });
