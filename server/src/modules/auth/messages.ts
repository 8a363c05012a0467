import { SECRET_PLACEHOLDER } from '../outbox/outbox';

/** What signing in tells people (the code's SMS, refusals), kept apart from the rules. */
export const authTexts = {
  /** The code itself is sealed in the outbox and put in place of the placeholder only when sent. */
  codeSms: `【流量】您的验证码是 ${SECRET_PLACEHOLDER}，5 分钟内有效。请勿告诉他人。`,
  resendTooSoon: 'A code was sent less than a minute ago. Wait a moment before asking again.',
  tooManyCodesForPhone: 'This number has been sent too many codes today. Try again tomorrow.',
  tooManyCodesFromAddress: 'Too many codes were asked for from this address. Try again later.',
  tooManyWrongCodes: 'Too many wrong codes. Ask for a new one.',
  codeExpired: 'The code has expired or was already used. Ask for a new one.',
  codeGuessedTooOften: 'This code has been guessed at too often. Ask for a new one.',
  codeWrong: 'The code is not right.',
  codeAlreadyUsed: 'The code was already used. Ask for a new one.',
  renewedElsewhere: 'This sign-in was renewed elsewhere; sign in again.',
  sessionEnded: 'This sign-in has ended; sign in again.',
};
