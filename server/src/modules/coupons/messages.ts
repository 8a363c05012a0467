/** What coupons tell people in errors; faces word the codes themselves, these are the fallbacks. */
export const couponTexts = {
  notACode: 'That is not a coupon code: 17 letters and digits, as printed on the card.',
  notFound: 'No coupon has this code. Check it and try again.',
  alreadyRedeemed: 'This coupon has already been redeemed.',
  notYetValid: (validFrom: Date) => `This coupon can be redeemed from ${validFrom.toISOString()}.`,
  expired: 'This coupon has expired.',
  tooManyWrongCodes: 'Too many wrong coupon codes; try again later.',
  codesGone: 'These codes were downloaded once already and are never shown again.',
  validUntilPassed: 'validUntil has already passed.',
};
