import type { RedPacketCreate } from '@liuliang/shared';
import type { Command, Lang, ParseError } from '../commands/command';
import type { Logger } from '../logger';
import {
  balanceSentPrivatelyText,
  welcomeText,
  balanceText,
  bindFirstText,
  bindInPrivateText,
  bindStartFirstText,
  boundText,
  checkedInAlreadyText,
  checkinText,
  depositText,
  drawnText,
  familyText,
  giftText,
  messageSettingsText,
  helpText,
  mentionNotFoundText,
  noFamilyText,
  noCheckinActivityText,
  packetAnnouncementText,
  packetOnlyInRoomsText,
  parseErrorText,
  recipientUnboundText,
  redeemedText,
  smsSentText,
} from '../replies/commands';
import { maskPhone, unitNote } from '../replies/format';
import { serviceErrorText } from '../replies/service-errors';
import { idempotencyKeyFor, type ServiceClient } from '../service/client';
import type { Binding } from '../service/schemas';
import { ServiceError } from '../service/errors';
import type { GrabFlow } from './grab';
import { CashoutFlow } from './cashout';
import type { PendingBinds } from './limits';
import type { ChatTurn } from './turn';
import type { LiveReporter } from '../live/reporter';
import { crowdfundStartedText, pledgedText, tipOnlyInRoomsText, tippedText } from '../replies/social';

export interface CommandRunnerDeps {
  service: ServiceClient;
  pendingBinds: PendingBinds;
  reporter: LiveReporter;
  grabs: GrabFlow;
  logger: Logger;
  /** Injected time: a crowdfund's deadline is now plus the duration said. */
  now?: () => number;
}

/** The nickname the service gives a new user until they choose one (modules/auth/users.ts). */
const DEFAULT_NICKNAME = /^用户[A-Z]{6}$/;

/** Bound on the activities one 签到 checks in to: one message, a bounded amount of work. */
const CHECKINS_PER_MESSAGE_MAX = 5;

type BoundCommand = Exclude<Command, { kind: 'help' } | { kind: 'welcome' } | { kind: 'bind-phone' } | { kind: 'bind-code' }>;

/**
 * Carries out one parsed command for one chat turn: the service call, then the reply. Every
 * call that acts for someone names the contact who spoke (X-Acting-Contact) and the service
 * resolves its binding then; the bot keeps no binding of its own that could act for a stale user.
 */
export class CommandRunner {
  private readonly cashouts: CashoutFlow;

  constructor(private readonly deps: CommandRunnerDeps) {
    this.cashouts = new CashoutFlow(deps.service, deps.now);
  }

  async run(command: Command, turn: ChatTurn, lang: Lang): Promise<void> {
    try {
      await this.dispatch(command, turn, lang);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.status === 0 || error.status >= 500 || error.code === 'BAD_RESPONSE') {
        this.deps.logger.error(`${command.kind} for ${turn.talker.id} failed: ${error.code} ${error.message}`);
      }
      await turn.reply(serviceErrorText(error, command.kind, lang));
    }
  }

  /**
   * A misread command. Binding and help are for everyone; for the rest an unbound talker hears
   * how to bind (what they would hear for the well-formed command), not the finer points of it.
   */
  async replyToParseError(error: ParseError, turn: ChatTurn, lang: Lang): Promise<void> {
    // A misread bind would quote its digits back to the whole room.
    if (error.command === 'bind' && turn.roomId !== null) return turn.reply(bindInPrivateText(lang));
    const forEveryone = error.command === null || error.command === 'bind' || error.command === 'help' || error.code === 'DID_YOU_MEAN';
    if (!forEveryone) {
      try {
        if ((await this.deps.service.findBinding(turn.talker.id)) === null) return turn.reply(bindFirstText(lang));
      } catch (lookUpError) {
        // The parse error is worth saying even when the binding cannot be checked.
        this.deps.logger.warn(`binding of ${turn.talker.id}: ${String(lookUpError)}`);
      }
    }
    await turn.reply(parseErrorText(error, lang));
  }

  private async dispatch(command: Command, turn: ChatTurn, lang: Lang): Promise<void> {
    switch (command.kind) {
      case 'help':
        return turn.reply(helpText(lang));
      case 'welcome':
        return turn.reply(welcomeText(lang));
      case 'bind-phone':
      case 'bind-code':
        // A phone number (even masked) or a code said in a room is seen by everyone in it:
        // binding happens only in a direct chat, and the room hears nothing but where to go.
        if (turn.roomId !== null) return turn.reply(bindInPrivateText(lang));
        return command.kind === 'bind-phone' ? this.startBinding(command.phone, turn, lang) : this.finishBinding(command.code, turn, lang);
      default:
        // Everything else acts for the talker's binding; an unbound talker hears 403
        // CONTACT_NOT_BOUND from the service, worded as how to bind, and nothing happens.
        return this.runAsTalker(command, turn, lang);
    }
  }

  private async runAsTalker(command: BoundCommand, turn: ChatTurn, lang: Lang): Promise<void> {
    const key = idempotencyKeyFor(turn.messageId);
    const contactId = turn.talker.id;
    switch (command.kind) {
      case 'balance': {
        const text = balanceText(await this.deps.service.getWallet(contactId), lang);
        if (turn.roomId === null) return turn.reply(text);
        // A balance is nobody else's business: the room hears only where it went.
        await turn.whisper(text);
        return turn.reply(balanceSentPrivatelyText(lang));
      }
      case 'give':
        return this.give(command, turn, lang);
      case 'bank': {
        const outcome = await this.deps.service.bankPlanData(contactId, command.amount.amountMb, key);
        return turn.reply(depositText(outcome, lang) + unitNote([command.amount], lang));
      }
      case 'hongbao':
        return this.sendRedPacket(command, turn, lang);
      case 'grab':
        return this.deps.grabs.grabPlain(turn, lang);
      case 'tip':
        return this.tip(command, turn, lang);
      case 'crowdfund': {
        const deadline = new Date((this.deps.now ?? Date.now)() + command.durationSeconds * 1000).toISOString();
        const crowdfund = await this.deps.service.createCrowdfund(contactId, { title: command.title, goalMb: command.goal.amountMb, deadline }, key);
        return turn.announce(crowdfundStartedText(crowdfund, turn.talker.name || crowdfund.creator.nickname, lang) + unitNote([command.goal], lang));
      }
      case 'pledge': {
        const pledge = await this.deps.service.pledge(contactId, command.crowdfundId, command.amount.amountMb, key);
        const crowdfund = await this.deps.service.getCrowdfund(command.crowdfundId);
        return turn.reply(pledgedText(pledge, crowdfund, lang) + unitNote([command.amount], lang));
      }
      case 'family':
      case 'draw':
        return this.family(command, turn, lang);
      case 'checkin':
        return this.checkIn(turn, lang);
      case 'cashout':
        return this.cashouts.ask(command.amount, turn, lang);
      case 'confirm':
        return this.cashouts.confirm(turn, lang);
      case 'redeem':
        // Said in a room the code is seen by all, so it is redeemed at once for the one who said it.
        return turn.reply(redeemedText(await this.deps.service.redeemCoupon(contactId, command.code, key), lang));
      case 'unsubscribe':
      case 'subscribe': {
        const settings = await this.deps.service.setMessageSettings(contactId, { activityMessages: command.kind === 'subscribe' });
        return turn.reply(messageSettingsText(settings.activityMessages, lang));
      }
    }
  }

  /** Tips a member of this room: the @mention names a contact, whose binding names the user tipped. */
  private async tip(command: Extract<Command, { kind: 'tip' }>, turn: ChatTurn, lang: Lang): Promise<void> {
    if (turn.roomId === null || command.recipient.kind !== 'mention') return turn.reply(tipOnlyInRoomsText(lang));
    // Whether a member has bound is no business of a talker who has not: they hear how to bind.
    if ((await this.deps.service.findBinding(turn.talker.id)) === null) return turn.reply(bindFirstText(lang));
    const member = await turn.findMentioned(command.recipient.name);
    if (member === null) return turn.reply(mentionNotFoundText(command.recipient.name, lang));
    const memberBinding = await this.deps.service.findBinding(member.id);
    if (memberBinding === null) return turn.reply(recipientUnboundText(member.name, lang));
    const request = { target: { type: 'user' as const, id: memberBinding.userId }, amountMb: command.amount.amountMb, ...(command.message === undefined ? {} : { message: command.message }) };
    await this.deps.service.tip(turn.talker.id, request, idempotencyKeyFor(turn.messageId));
    await turn.reply(tippedText(command.amount.amountMb, member.name, command.message, lang) + unitNote([command.amount], lang));
  }

  /** The talker's family group (a person belongs to at most one): shown, or drawn from. */
  private async family(command: Extract<Command, { kind: 'family' } | { kind: 'draw' }>, turn: ChatTurn, lang: Lang): Promise<void> {
    const { service } = this.deps;
    const group = await service.findShareGroup(turn.talker.id);
    if (group === null) return turn.reply(noFamilyText(lang));
    // The binding names the talker's user, to mark them in the list; the group read above already proved it exists.
    const talkerUserId = (await service.findBinding(turn.talker.id))?.userId ?? null;
    if (command.kind === 'family') return turn.reply(familyText(group, talkerUserId, lang));
    const after = await service.drawFromShareGroup(turn.talker.id, group.id, command.amount.amountMb, idempotencyKeyFor(turn.messageId));
    await turn.reply(drawnText(after, command.amount.amountMb, talkerUserId, lang) + unitNote([command.amount], lang));
  }

  /**
   * 签到: checks in to every running check-in activity the talker has not checked in to today,
   * one line each. Each check-in's key comes from the message and the activity, so a message the
   * bot sees twice checks in once.
   */
  private async checkIn(turn: ChatTurn, lang: Lang): Promise<void> {
    const contactId = turn.talker.id;
    const open = (await this.deps.service.listActivities(contactId)).filter((a) => a.type === 'signin');
    if (open.length === 0) return turn.reply(noCheckinActivityText(lang));
    const due = open.filter((a) => a.progress?.checkedInToday !== true).slice(0, CHECKINS_PER_MESSAGE_MAX);
    if (due.length === 0) return turn.reply(checkedInAlreadyText(lang));
    const lines: string[] = [];
    for (const activity of due) {
      try {
        lines.push(checkinText(activity, await this.deps.service.checkIn(contactId, activity.id, idempotencyKeyFor(turn.messageId, activity.id)), lang));
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        lines.push(`「${activity.title}」${serviceErrorText(error, 'checkin', lang)}`);
      }
    }
    await turn.reply(lines.join('\n'));
  }

  private async startBinding(phone: string, turn: ChatTurn, lang: Lang): Promise<void> {
    await this.deps.service.sendSmsCode(phone, idempotencyKeyFor(turn.messageId));
    this.deps.pendingBinds.set(turn.talker.id, phone, lang);
    await turn.reply(smsSentText(phone, lang));
  }

  private async finishBinding(code: string, turn: ChatTurn, lang: Lang): Promise<void> {
    const pending = this.deps.pendingBinds.get(turn.talker.id);
    if (pending === null) return turn.reply(bindStartFirstText(lang));
    const request = { contactId: turn.talker.id, phone: pending.phone, code };
    let binding = await this.deps.service.bindContact(request, idempotencyKeyFor(turn.messageId));
    this.deps.pendingBinds.delete(turn.talker.id);
    binding = await this.offerChatName(binding, turn);
    await turn.reply(boundText(binding, lang));
  }

  /**
   * A user still called by the generated 用户XXXXXX takes their chat name as nickname at binding,
   * so grab lists and histories show the name friends know; one they chose themselves is kept.
   */
  private async offerChatName(binding: Binding, turn: ChatTurn): Promise<Binding> {
    const chatName = turn.talker.name.trim();
    if (!DEFAULT_NICKNAME.test(binding.nickname) || chatName === '') return binding;
    try {
      const renamed = await this.deps.service.rename(turn.talker.id, chatName);
      return { ...binding, nickname: renamed.nickname };
    } catch (error) {
      // A chat name the service refuses (too long, invisible characters) leaves the default.
      this.deps.logger.warn(`binding of ${turn.talker.id}: chat name not taken as nickname: ${String(error)}`);
      return binding;
    }
  }

  private async give(command: Extract<Command, { kind: 'give' }>, turn: ChatTurn, lang: Lang): Promise<void> {
    let toPhone: string;
    let recipientName: string;
    if (command.recipient.kind === 'phone') {
      toPhone = command.recipient.phone;
      recipientName = maskPhone(toPhone);
    } else {
      // Whether a friend has bound is no business of a talker who has not: they hear how to bind.
      if ((await this.deps.service.findBinding(turn.talker.id)) === null) return turn.reply(bindFirstText(lang));
      const friend = await turn.findMentioned(command.recipient.name);
      if (friend === null) return turn.reply(mentionNotFoundText(command.recipient.name, lang));
      const friendBinding = await this.deps.service.findBinding(friend.id);
      if (friendBinding === null) return turn.reply(recipientUnboundText(friend.name, lang));
      toPhone = friendBinding.phone;
      recipientName = friend.name;
    }
    const gift = { toPhone, amountMb: command.amount.amountMb, ...(command.message === undefined ? {} : { message: command.message }) };
    const outcome = await this.deps.service.sendGift(turn.talker.id, gift, idempotencyKeyFor(turn.messageId));
    await turn.reply(giftText(outcome, command.amount.amountMb, recipientName, command.message, lang) + unitNote([command.amount], lang));
  }

  private async sendRedPacket(command: Extract<Command, { kind: 'hongbao' }>, turn: ChatTurn, lang: Lang): Promise<void> {
    // A room packet is only grabbed by that room's members; a packet from a direct chat would have nobody to grab it.
    if (turn.roomId === null) return turn.reply(packetOnlyInRoomsText(lang));
    const common = { count: command.count, roomId: turn.roomId, ...(command.passphrase === undefined ? {} : { passphrase: command.passphrase }) };
    const request: RedPacketCreate =
      command.mode === 'random'
        ? { mode: 'random', totalMb: command.total.amountMb, ...common }
        : { mode: 'equal', perShareMb: command.perShare.amountMb, ...common };
    const created = await this.deps.service.createRedPacket(turn.talker.id, request, idempotencyKeyFor(turn.messageId));
    const packet = { ...created, senderNickname: turn.talker.name || created.senderNickname };
    this.deps.reporter.track(packet, turn.roomId, lang, command.passphrase);
    const amount = command.mode === 'random' ? command.total : command.perShare;
    await turn.announce(packetAnnouncementText(packet, command.passphrase, lang) + unitNote([amount], lang));
  }
}
