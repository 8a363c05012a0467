/** What red packets tell people when a rule refuses them, kept apart from the rules. */
export const redPacketTexts = {
  roomPacketsFromBot: 'Room packets are sent from the chat bot; share a link packet instead.',
  randomTooSmall: (count: number) => `A random packet of ${count} shares needs at least ${count} MB: every share is at least 1 MB.`,
  totalTooLarge: (maxMb: number) => `A red packet holds at most ${maxMb} MB.`,
  notFound: 'No such red packet.',
  wrongPassphrase: 'That is not the passphrase of this packet.',
  passphraseGuesses: 'Too many tries at the passphrase of this packet. Wait a few minutes.',
  soldOut: 'Every share of this packet has been grabbed.',
  expired: 'This packet has expired.',
  alreadyGrabbed: 'You have already grabbed this packet.',
  signInInvalid: 'Your sign-in is no longer valid. Sign in again.',
  busy: 'The packet is busy; please try again.',
  restoring: 'The packet is being restored; please try again.',
  notInRoom: (what: 'grab' | 'see' | 'list') =>
    `Only members of the chat room can ${what === 'grab' ? 'grab this packet' : what === 'see' ? 'see this packet' : "see the room's packets"}.`,
};
