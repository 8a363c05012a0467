import { createContext, useContext } from 'react';
import { createApiClient, type ApiClient } from './api/client';
import { taroTransport } from './api/taroTransport';
import type { ConnectLive } from './live/live';
import { taroSessionStore, type SessionStore } from './session/session';

/** What pages reach the outside world through. Tests provide fakes with <ServicesProvider>. */
export interface Services {
  api: ApiClient;
  session: SessionStore;
  connectLive: ConnectLive;
}

const ServicesContext = createContext<Services | null>(null);
export const ServicesProvider = ServicesContext.Provider;

/** H5 is served by the service itself, so it calls its own origin; weapp needs the address built in. */
export function apiBaseUrl(): string {
  return process.env.TARO_ENV === 'h5' ? '' : process.env.TARO_APP_API_URL ?? '';
}

function createAppServices(): Services {
  const session = taroSessionStore;
  const baseUrl = apiBaseUrl();
  const api = createApiClient({
    transport: taroTransport,
    baseUrl,
    readToken: () => session.readToken(),
    readRefreshToken: () => session.readRefreshToken(),
    onRenewed: ({ token, refreshToken }) => session.save({ token, refreshToken }),
    // A refused token that could not be renewed is of no further use; the page that got the
    // error sends the person to sign in.
    onUnauthenticated: () => session.clear(),
  });
  // `require` in a branch Taro's build constant removes: socket.io-client is bundled only into H5,
  // where a browser WebSocket exists; weapp reloads the packet instead.
  const connectLive: ConnectLive =
    process.env.TARO_ENV === 'h5'
      ? (require('./live/socketIoLive') as typeof import('./live/socketIoLive')).connectSocketIo(baseUrl)
      : (require('./live/pollingLive') as typeof import('./live/pollingLive')).createPollingLive(api);
  return { api, session, connectLive };
}

let appServices: Services | null = null;

export function useServices(): Services {
  const provided = useContext(ServicesContext);
  if (provided) return provided;
  appServices ??= createAppServices();
  return appServices;
}
