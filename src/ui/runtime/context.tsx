import { createContext, useContext } from 'react';
import type { Session } from './session';

/**
 * This tab's session for the components under the running node's screen (no module global: a
 * component gets the node's API and the miner's controls from here).
 */
export const SessionContext = createContext<Session | null>(null);

/** The running session; only components rendered under `SessionContext.Provider` may call it. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a running node');
  return s;
}
