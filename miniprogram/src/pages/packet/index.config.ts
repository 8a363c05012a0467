export default definePageConfig({
  navigationBarTitleText: '红包',
  navigationBarBackgroundColor: '#d9363e',
  // weapp: the share menu sends friends straight to this packet.
  enableShareAppMessage: true,
});
