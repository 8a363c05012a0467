import '@testing-library/jest-dom';
import { chosenAvatar } from './stubs/components';
import { resetTaroStub } from './stubs/taro';

// Pages read TARO_ENV to choose H5 behaviour (share links with the page's URL).
process.env.TARO_ENV = 'h5';

beforeEach(() => {
  localStorage.clear();
  resetTaroStub();
  chosenAvatar.path = null;
});
