export default definePageConfig({ navigationBarTitleText: '赞助商' });
