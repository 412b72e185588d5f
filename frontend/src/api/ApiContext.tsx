import { createContext, useContext, type ReactNode } from 'react';
import type { GovernanceApi } from './endpoints';

const ApiContext = createContext<GovernanceApi | null>(null);

export function ApiProvider({ api, children }: { api: GovernanceApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): GovernanceApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi must be used inside <ApiProvider>');
  return api;
}
