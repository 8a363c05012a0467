import { formatMb } from '@liuliang/shared';
import type { Lang } from '../commands/command';
import type { ParsedAmount } from '../commands/amount';
import { maskPhone, pick } from '../replies/format';
import { idempotencyKeyFor, type ServiceClient } from '../service/client';
import type { ChatTurn } from './turn';

/** How long a cash-out waits for its 确认, and how many wait at once (oldest dropped first). */
const CASHOUT_CONFIRM_MS = 2 * 60_000;
const PENDING_MAX = 10_000;

interface PendingCashout {
  productId: string;
  sizeMb: number;
  priceMb: number;
  /** The asking message: the order's Idempotency-Key comes from it, so a repeated 确认 places one order. */
  messageId: string;
  expiresAtMs: number;
}

/**
 * `/cashout 1G` / `提取 1G` (SPEC §3.7): the bot names the package, the price and the number
 * (the talker's own, the only one it may recharge) and waits for 确认 before placing the order.
 */
export class CashoutFlow {
  private readonly pending = new Map<string, PendingCashout>();

  constructor(
    private readonly service: ServiceClient,
    private readonly now: () => number = Date.now,
  ) {}

  async ask(amount: ParsedAmount, turn: ChatTurn, lang: Lang): Promise<void> {
    const contactId = turn.talker.id;
    const products = await this.service.listCashoutProducts(contactId);
    const product = products.find((p) => p.sizeMb === amount.amountMb);
    if (!product) {
      const sizes = products.map((p) => formatMb(p.sizeMb)).join('、');
      return turn.reply(pick(lang, `没有 ${formatMb(amount.amountMb)} 的流量包。可选：${sizes}`, `There is no ${formatMb(amount.amountMb)} package. Choose one of: ${sizes}`));
    }
    const binding = await this.service.findBinding(contactId);
    this.pending.delete(contactId);
    if (this.pending.size >= PENDING_MAX) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(contactId, {
      productId: product.id,
      sizeMb: product.sizeMb,
      priceMb: product.priceMb,
      messageId: turn.messageId,
      expiresAtMs: this.now() + CASHOUT_CONFIRM_MS,
    });
    const phone = binding ? maskPhone(binding.phone) : pick(lang, '本机', 'your number');
    await turn.reply(
      pick(
        lang,
        `将从钱包扣 ${formatMb(product.priceMb)}，为 ${phone} 充值 ${formatMb(product.sizeMb)} 流量。2 分钟内回复「确认」下单。`,
        `This takes ${formatMb(product.priceMb)} from your wallet to recharge ${formatMb(product.sizeMb)} to ${phone}. Reply /confirm within 2 minutes.`,
      ),
    );
  }

  /** 确认: places the order asked for; with nothing waiting it says nothing (确认 is also ordinary chat). */
  async confirm(turn: ChatTurn, lang: Lang): Promise<void> {
    const waiting = this.pending.get(turn.talker.id);
    if (!waiting || waiting.expiresAtMs < this.now()) {
      this.pending.delete(turn.talker.id);
      return;
    }
    const order = await this.service.placeCashoutOrder(turn.talker.id, waiting.productId, idempotencyKeyFor(waiting.messageId, 'cashout'));
    this.pending.delete(turn.talker.id);
    await turn.reply(
      pick(
        lang,
        `已下单：${formatMb(order.sizeMb)} 正在充值到你的号码，到账后可在小程序「流量充值到手机」查看。`,
        `Ordered: ${formatMb(order.sizeMb)} is being recharged to your number.`,
      ),
    );
  }
}
