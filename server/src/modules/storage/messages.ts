/** What banking plan data tells people when a rule or the carrier refuses them, kept apart from the rules. */
export const storageTexts = {
  planInsufficient: 'Your carrier plan does not have that much data left this month.',
  belowMinimum: (minMb: number) => `Bank at least ${minMb} MB at a time.`,
  monthlyCap: (capMb: number, remainingMb: number) => `At most ${capMb} MB may be banked a month; ${remainingMb} MB left this month.`,
  notFound: 'No such deposit.',
};
