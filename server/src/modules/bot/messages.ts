/** What the bot's endpoints answer when a rule refuses, kept apart from the rules. */
export const botTexts = {
  contactNotBound: 'This contact has not bound a phone number.',
  roomTooLarge: (maxMembers: number) => `A room holds at most ${maxMembers} members.`,
  alreadyGrabbedInRoom: 'You have already grabbed the red packets open in this room.',
  noOpenPacket: 'No open red packet in this room.',
  noPacketWithPassphrase: 'No open red packet in this room has that passphrase.',
  noSuchWechatMessage: 'No such wechat message.',
};
