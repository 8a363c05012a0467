import { formatMb } from '@liuliang/shared';

/** What cash-out tells people, kept apart from the rules that decide when. */
export const cashoutTexts = {
  noSuchProduct: 'No such package for your carrier.',
  noSuchOrder: 'No such cash-out order.',
  noSuchSupplier: 'No such supplier.',
  nameTaken: (name: string) => `A supplier is already named ${name}.`,
  unknownAttempt: 'No such recharge attempt at this supplier.',
  succeededWechat: (sizeMb: number) => `你的 ${formatMb(sizeMb)} 流量已充值到本机号码。`,
  failedWechat: (priceMb: number) => `流量充值未成功，${formatMb(priceMb)} 已退回你的钱包。`,
};
