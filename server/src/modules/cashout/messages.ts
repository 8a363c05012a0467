/** What cash-out tells people, kept apart from the rules that decide when. */
export const cashoutTexts = {
  noSuchProduct: 'No such package for your carrier.',
  noSuchOrder: 'No such cash-out order.',
  noSuchSupplier: 'No such supplier.',
  nameTaken: (name: string) => `A supplier is already named ${name}.`,
  unknownAttempt: 'No such recharge attempt at this supplier.',
  tooManySuppliers: (limit: number) => `There are ${limit} suppliers already, the most routing reads; change or disable one instead.`,
};
