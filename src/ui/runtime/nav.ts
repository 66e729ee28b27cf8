import { createContext, useContext } from 'react';

/** Shows another view of the node screen (e.g. a tutorial step's "Show the messages"). */
export const NavContext = createContext<(view: string) => void>((view) => {
  // Outside a node screen (the first screen), the glossary opens as its own page.
  if (view === 'glossary') window.open('?glossary', '_blank');
});

/** The node screen's view switcher. */
export function useShowView(): (view: string) => void {
  return useContext(NavContext);
}
