import Taro from '@tarojs/taro';

/** Every page's path, as registered in app.config.ts. */
export const PAGES = {
  home: '/pages/home/index',
  login: '/pages/login/index',
  storage: '/pages/storage/index',
  gift: '/pages/gift/index',
  sendPacket: '/pages/send-packet/index',
  packet: '/pages/packet/index',
  packets: '/pages/packets/index',
  me: '/pages/me/index',
  lots: '/pages/lots/index',
  entry: '/pages/entry/index',
  terms: '/pages/terms/index',
  notFound: '/pages/not-found/index',
  messages: '/pages/messages/index',
  crowdfund: '/pages/crowdfund/index',
  createCrowdfund: '/pages/crowdfund-create/index',
  myCrowdfunds: '/pages/my-crowdfunds/index',
  family: '/pages/family/index',
  activities: '/pages/activities/index',
  sponsor: '/pages/sponsor/index',
  sponsorReport: '/pages/sponsor-report/index',
  ops: '/pages/ops/index',
  cashout: '/pages/cashout/index',
  opsCashout: '/pages/ops-cashout/index',
  redeem: '/pages/redeem/index',
} as const;

export function crowdfundPagePath(crowdfundId: string): string {
  return `${PAGES.crowdfund}?id=${encodeURIComponent(crowdfundId)}`;
}

export function sponsorReportPath(sponsorId: string, activityId: string): string {
  return `${PAGES.sponsorReport}?sid=${encodeURIComponent(sponsorId)}&aid=${encodeURIComponent(activityId)}`;
}

export function packetPagePath(packetId: string): string {
  return `${PAGES.packet}?id=${encodeURIComponent(packetId)}`;
}

/**
 * Only a page of this app may be a place to return to after sign-in, so a crafted share link
 * cannot send a person anywhere else.
 */
export function safeReturnPath(candidate: string | undefined): string | null {
  if (!candidate) return null;
  let path = candidate;
  // Taro hands router params over still percent-encoded on some platforms.
  if (path.startsWith('%2F')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return null;
    }
  }
  const pagePath = path.split('?')[0];
  const known = Object.values(PAGES) as string[];
  return known.includes(pagePath) && pagePath !== PAGES.login ? path : null;
}

export function loginPagePath(returnTo?: string): string {
  return returnTo ? `${PAGES.login}?redirect=${encodeURIComponent(returnTo)}` : PAGES.login;
}

/** Replaces the current page by sign-in, remembering where to come back to. */
export function goToSignIn(returnTo?: string): void {
  void Taro.redirectTo({ url: loginPagePath(returnTo) });
}

/** An app link to `pagePath` (with its query): on H5 a full URL, on weapp the page path. */
export function appLinkFor(pagePath: string): string {
  if (process.env.TARO_ENV === 'h5') {
    const { origin, pathname } = window.location;
    return `${origin}${pathname}#${pagePath}`;
  }
  return pagePath;
}

/** The link a friend opens: on H5 a full URL to this packet's page; on weapp the page path. */
export function shareLinkFor(packetId: string): string {
  const path = packetPagePath(packetId);
  if (process.env.TARO_ENV === 'h5') {
    const { origin, pathname } = window.location;
    // Hash routing (config/index.ts): the page path lives after '#'.
    return `${origin}${pathname}#${path}`;
  }
  return path;
}

/** The link a friend opens to a crowdfund: on H5 a full URL to its page; on weapp the page path. */
export function crowdfundShareLinkFor(crowdfundId: string): string {
  const path = crowdfundPagePath(crowdfundId);
  if (process.env.TARO_ENV === 'h5') {
    const { origin, pathname } = window.location;
    return `${origin}${pathname}#${path}`;
  }
  return path;
}
