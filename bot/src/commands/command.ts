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
  | { kind: 'checkin' };

export type CommandKind = Command['kind'];
/** A command's name for usage lines: the two red packet modes are told apart here. */
export type CommandName = Exclude<CommandKind, 'bind-phone' | 'bind-code' | 'hongbao'> | 'bind' | 'hongbao' | 'hongbao-equal';

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
  | 'PASSPHRASE_IS_COMMAND';

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
