/**
 * The tab's one vanilla view store; React reads it with narrow selectors. It is a view: the chain,
 * UTXO set and wallets live in the node and in IndexedDB. Its parts: `viewState` (the shape),
 * `projections` (node → rows), `reorgs` (a bounded history), `bindNode` (batching; propagation steps
 * come from the node's model, `node/propagation.ts`).
 */
import { createStore } from 'zustand/vanilla';
import { initialViewState, type ViewState } from './viewState';

export const viewStore = createStore<ViewState>(() => initialViewState());

export * from './viewState';
export { sameRows, shallowSame } from './projections';
export { ReorgCollector } from './reorgs';
