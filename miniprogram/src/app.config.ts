export default defineAppConfig({
  // The first page is where the app opens: home sends a signed-out person to sign in.
  pages: [
    'pages/home/index',
    'pages/login/index',
    'pages/storage/index',
    'pages/gift/index',
    'pages/send-packet/index',
    'pages/packet/index',
    'pages/packets/index',
    'pages/me/index',
    'pages/lots/index',
    'pages/entry/index',
    'pages/terms/index',
    'pages/not-found/index',
    'pages/messages/index',
    'pages/crowdfund/index',
    'pages/crowdfund-create/index',
    'pages/my-crowdfunds/index',
    'pages/family/index',
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#d9363e',
    navigationBarTitleText: '流量钱包',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f6f6f6',
  },
});
