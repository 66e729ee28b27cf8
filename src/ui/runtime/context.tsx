import { createContext, useContext } from 'react';
import type { NodeApi } from '../../node/api';
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

/**
 * The node the views show when it is not this tab's own: the Simulator points the node views at
 * one simulated node. Absent, views show the session's node.
 */
export const NodeContext = createContext<NodeApi | null>(null);

/** The node a view reads and commands: the one `NodeContext` names, else this tab's node. */
export function useNode(): NodeApi {
  const shown = useContext(NodeContext);
  const session = useContext(SessionContext);
  if (shown) return shown;
  if (!session) throw new Error('useNode outside a running node or the simulator');
  return session.node;
}
