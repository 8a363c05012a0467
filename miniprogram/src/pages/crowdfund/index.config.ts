export default definePageConfig({
  navigationBarTitleText: '众筹',
  // weapp: the share menu sends friends straight to this crowdfund.
  enableShareAppMessage: true,
});
