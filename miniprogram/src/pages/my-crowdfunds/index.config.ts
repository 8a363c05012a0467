export default definePageConfig({ navigationBarTitleText: '我的众筹' });
