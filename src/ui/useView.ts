import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { viewStore, type ViewState } from './runtime/viewStore';

/** Narrow selector over the node view store. */
export function useView<T>(selector: (s: ViewState) => T): T {
  return useStore(viewStore, selector);
}

/** Selector returning an object/array compared shallowly. */
export function useViewShallow<T>(selector: (s: ViewState) => T): T {
  return useStore(viewStore, useShallow(selector));
}
