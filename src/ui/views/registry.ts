import type { ComponentType } from 'react';

/** A view of this node, shown as a tab in the node screen. */
export interface ViewDef {
  id: string;
  /** i18n key of the tab label. */
  label: string;
  component: ComponentType;
}
