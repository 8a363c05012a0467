import type { WalletChangedEvent } from '@liuliang/shared';

/**
 * Where features say a user's wallet changed after their transaction committed: socket.io in
 * the server (the user's own sockets reload their balance), nothing in tools and tests.
 * Best effort, like every live event: a page that misses one reloads when shown.
 */
export interface WalletEvents {
  walletChanged(userId: string, event: WalletChangedEvent): void;
}

export const silentWalletEvents: WalletEvents = { walletChanged: () => {} };
