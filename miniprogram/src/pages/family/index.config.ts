export default definePageConfig({ navigationBarTitleText: '家庭共享' });
