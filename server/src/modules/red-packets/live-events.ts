import type { ExpiredEvent, FinishedEvent, GrabbedEvent } from '@liuliang/shared';

/** Where the red-packet rules announce what happened; socket.io in the server, nothing in tools. */
export interface RedPacketEvents {
  grabbed(event: GrabbedEvent): void;
  finished(event: FinishedEvent): void;
  expired(event: ExpiredEvent): void;
}

export const silentEvents: RedPacketEvents = { grabbed: () => {}, finished: () => {}, expired: () => {} };
