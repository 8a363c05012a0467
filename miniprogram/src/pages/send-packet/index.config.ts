export default definePageConfig({ navigationBarTitleText: '发红包', navigationBarBackgroundColor: '#d9363e' });
