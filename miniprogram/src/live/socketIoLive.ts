import { io } from 'socket.io-client';
import { LIVE_NAMESPACE } from '@liuliang/shared';
import type { ConnectLive, LiveSocket } from './live';

/** Gives up reconnecting after this many tries; the page still works by reloading. */
export const LIVE_RECONNECT_ATTEMPTS = 30;

/** The H5 live connection: socket.io to namespace `/live` on the service, token in the handshake. */
export function connectSocketIo(baseUrl: string): ConnectLive {
  return (token): LiveSocket => {
    const socket = io(`${baseUrl}${LIVE_NAMESPACE}`, {
      auth: { token },
      reconnectionAttempts: LIVE_RECONNECT_ATTEMPTS,
    });
    return {
      get connected() {
        return socket.connected;
      },
      // socket.io's typings of reserved events are stricter than this narrow interface needs.
      on: (event, listener) => void socket.on(event as never, listener as never),
      off: (event, listener) => void socket.off(event as never, listener as never),
      emit: (event, ...args) => void socket.emit(event as never, ...(args as unknown as never[])),
      disconnect: () => void socket.disconnect(),
    };
  };
}
