import type { ComponentType } from 'react';
import type { SelectionScope } from '../../stores/selection.ts';

/** What an extra action of the selection bar is given. */
export interface SelectionActionProps {
  /** The selected files' ids, in the order they were selected. */
  ids: readonly string[];
  scope: SelectionScope;
  /** Call when the action is done with the selection (it is cleared). */
  done: () => void;
}

/**
 * Actions other features add to the selection bar ("Add to collection", "Add tags"): each renders
 * its own button (and whatever it opens), after the bar's built-in actions, in the order
 * registered. A feature registers from its own module, imported once at start-up (main.tsx); it
 * calls POST /uploads/batch with its own action (see server/services/upload-batch.ts).
 */
export interface SelectionAction {
  key: string;
  Component: ComponentType<SelectionActionProps>;
}

const registered: SelectionAction[] = [];

export function registerSelectionAction(action: SelectionAction): void {
  if (!registered.some((a) => a.key === action.key)) registered.push(action);
}

export function selectionActions(): readonly SelectionAction[] {
  return registered;
}
