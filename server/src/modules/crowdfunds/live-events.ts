import type { ClosedEvent, PledgedEvent } from '@liuliang/shared';

/** Where the crowdfund rules announce what happened; socket.io in the server, nothing in tools. */
export interface CrowdfundEvents {
  pledged(event: PledgedEvent): void;
  closed(event: ClosedEvent): void;
}

export const silentCrowdfundEvents: CrowdfundEvents = { pledged: () => {}, closed: () => {} };
