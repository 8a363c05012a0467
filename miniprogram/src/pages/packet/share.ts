import type { RedPacketCover } from '@liuliang/shared';

type CoverFacts = Pick<RedPacketCover, 'senderNickname' | 'greeting' | 'mode'>;

/** "小明给你发了一个流量红包「周末快乐」": the title of a share card, and the start of a copied link. */
export function shareTitle(packet: CoverFacts): string {
  const kind = packet.mode === 'random' ? '拼手气流量红包' : '流量红包';
  return `${packet.senderNickname}给你发了一个${kind}${packet.greeting ? `「${packet.greeting}」` : ''}`;
}

/** What is copied: a sentence with the link, ready to paste into a chat. */
export function shareText(packet: CoverFacts, link: string): string {
  return `${shareTitle(packet)}，点击领取：${link}`;
}

/** H5: the tab's title and the link-preview tags, so a pasted link previews as this packet. */
export function setLinkPreview(packet: CoverFacts): void {
  if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return;
  const title = shareTitle(packet);
  document.title = title;
  const description = packet.greeting || '恭喜发财，大吉大利';
  for (const [attribute, name, content] of [
    ['property', 'og:title', title],
    ['property', 'og:description', description],
    ['name', 'description', description],
  ] as const) {
    let tag = document.head.querySelector(`meta[${attribute}="${name}"]`);
    if (!tag) {
      tag = document.createElement('meta');
      tag.setAttribute(attribute, name);
      document.head.appendChild(tag);
    }
    tag.setAttribute('content', content);
  }
}
