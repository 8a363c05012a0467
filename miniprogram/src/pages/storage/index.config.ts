export default definePageConfig({ navigationBarTitleText: '转存套餐流量' });
