export default defineAppConfig({
  // The first page is where the app opens: home sends a signed-out person to sign in.
  pages: [
    'pages/home/index',
    'pages/login/index',
    'pages/storage/index',
    'pages/gift/index',
    'pages/send-packet/index',
    'pages/packet/index',
    'pages/crowdfund/index',
    'pages/crowdfund-create/index',
    'pages/my-crowdfunds/index',
    'pages/family/index',
    'pages/activities/index',
    'pages/sponsor/index',
    'pages/sponsor-report/index',
    'pages/ops/index',
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#d9363e',
    navigationBarTitleText: '流量钱包',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f6f6f6',
  },
});
