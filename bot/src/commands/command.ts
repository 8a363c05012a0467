import type { AmountError, ParsedAmount } from './amount';

/** The language a command was written in; the bot answers in the same one. */
export type Lang = 'zh' | 'en';

export type Recipient = { kind: 'mention'; name: string } | { kind: 'phone'; phone: string };

export type Command =
  | { kind: 'help' }
  | { kind: 'bind-phone'; phone: string }
  | { kind: 'bind-code'; code: string }
  | { kind: 'balance' }
  | { kind: 'give'; recipient: Recipient; amount: ParsedAmount; message?: string }
  | { kind: 'hongbao'; mode: 'random'; total: ParsedAmount; count: number; passphrase?: string }
  | { kind: 'hongbao'; mode: 'equal'; perShare: ParsedAmount; count: number; passphrase?: string }
  | { kind: 'grab' }
  | { kind: 'bank'; amount: ParsedAmount }
  /** Tips a member of the room, by @mention. */
  | { kind: 'tip'; recipient: Recipient; amount: ParsedAmount; message?: string }
  | { kind: 'crowdfund'; goal: ParsedAmount; durationSeconds: number; title: string }
  | { kind: 'pledge'; crowdfundId: string; amount: ParsedAmount }
  /** Shows the talker's family share group (共享). */
  | { kind: 'family' }
  /** Draws from the talker's family share group into their wallet. */
  | { kind: 'draw'; amount: ParsedAmount }
  | { kind: 'checkin' }
  /** Cash data out to the talker's own number: asks for a confirmation first. */
  | { kind: 'cashout'; amount: ParsedAmount }
  /** Confirms what the bot asked to confirm (a cash-out). */
  | { kind: 'confirm' }
  /** Redeems a coupon code (卡密) into the talker's wallet; `code` is normalised and its check character verified. */
  | { kind: 'redeem'; code: string }
  /** 退订 / 订阅: activity messages off or on for the talker (codes and receipts always arrive). */
  | { kind: 'unsubscribe' }
  | { kind: 'subscribe' }
  /** "你好" in a direct chat: a welcome, with what the bot can do. */
  | { kind: 'welcome' };

export type CommandKind = Command['kind'];
/** A command's name for usage lines: the two red packet modes are told apart here. */
export type CommandName = Exclude<CommandKind, 'bind-phone' | 'bind-code' | 'hongbao' | 'welcome'> | 'bind' | 'hongbao' | 'hongbao-equal';

export type ParseErrorCode =
  | 'UNKNOWN_COMMAND'
  | 'BIND_ARGUMENT_MISSING'
  | 'BIND_ARGUMENT_INVALID'
  | 'RECIPIENT_MISSING'
  | 'AMOUNT_MISSING'
  | AmountError['code']
  | 'COUNT_MISSING'
  | 'COUNT_INVALID'
  | 'COUNT_OUT_OF_RANGE'
  | 'MESSAGE_TOO_LONG'
  | 'PASSPHRASE_TOO_LONG'
  | 'PASSPHRASE_IS_COMMAND'
  | 'DURATION_MISSING'
  | 'DURATION_INVALID'
  | 'TITLE_MISSING'
  | 'TITLE_TOO_LONG'
  | 'CROWDFUND_ID_MISSING'
  | 'CROWDFUND_ID_INVALID'
  | 'COUPON_CODE_MISSING'
  /** Not 17 letters and digits of a coupon code. */
  | 'COUPON_CODE_INVALID'
  /** The shape of a code whose check character does not match: a typo, caught before it counts as a wrong code. */
  | 'COUPON_CODE_MISTYPED'
  /** A near miss of a command word ("转增" for 转赠): `command` is the one most likely meant. */
  | 'DID_YOU_MEAN';

export interface ParseError {
  code: ParseErrorCode;
  /** Which command the person was writing, so the reply can show its usage. */
  command: CommandName | null;
  /** The piece of text that was wrong, quoted back in the reply. */
  input?: string;
  suggestionMb?: number;
}

export type ParseOutcome =
  | { kind: 'command'; command: Command; lang: Lang }
  | { kind: 'error'; error: ParseError; lang: Lang }
  /** Ordinary chat: the bot must not answer it (it may still be a red packet passphrase). */
  | { kind: 'none' };
