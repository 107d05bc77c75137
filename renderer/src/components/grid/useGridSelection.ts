import { useCallback, useMemo, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { GridItem } from '../../lib/items.ts';
import { useDeletion } from '../../stores/deletion.ts';
import { selectedIn, useSelection, type SelectionScope } from '../../stores/selection.ts';

/** How a card asks to be selected: a Ctrl/Cmd-click, the checkbox or Space toggle it; Shift-click extends. */
export type SelectHow = 'toggle' | 'range';

/** What each card needs to show and change its selection. */
export interface CardSelection {
  selected: ReadonlySet<string>;
  onSelect: (index: number, how: SelectHow) => void;
}

/**
 * The grid's side of multi-select: the selected ids as a set for the cards, a card's clicks and the
 * keys (Space toggles the active card, Ctrl/Cmd+A selects every card, Delete asks to delete the
 * selected ones, Esc clears). Without a scope
 * the grid has no selection and its keys are what they were.
 */
export function useGridSelection(items: GridItem[], scope: SelectionScope | undefined) {
  const ids = useSelection(useShallow((s) => (scope ? selectedIn(s, scope) : [])));
  const selected = useMemo(() => new Set(ids), [ids]);

  const onSelect = useCallback((index: number, how: SelectHow) => {
    const item = items[index];
    if (!scope || !item) return;
    const store = useSelection.getState();
    if (how === 'range') store.selectRange(scope, items.map((i) => i.id), item.id);
    else store.toggle(scope, item.id);
  }, [items, scope]);

  const cards = useMemo<CardSelection | undefined>(() => (scope ? { selected, onSelect } : undefined), [scope, selected, onSelect]);

  /** Handles the selection keys, else hands the key on to the grid's own keyboard. */
  const wrapKeys = (inner: (e: KeyboardEvent<HTMLElement>) => void, active: number) => (e: KeyboardEvent<HTMLElement>) => {
    if (scope && items.length > 0) {
      const mod = (e.ctrlKey || e.metaKey) && !e.altKey;
      if (mod && e.key.toLowerCase() === 'a') {
        e.preventDefault();
        useSelection.getState().selectAll(scope, items.map((i) => i.id));
        return;
      }
      if (e.key === ' ' && !mod && !e.altKey) {
        e.preventDefault();
        onSelect(active, e.shiftKey ? 'range' : 'toggle');
        return;
      }
      if (e.key === 'Delete' && selected.size > 0 && !mod) {
        // With files selected, Delete asks about all of them.
        e.preventDefault();
        useDeletion.getState().requestMany(items.filter((i) => selected.has(i.id)).map((i) => ({ id: i.id, filename: i.filename })));
        return;
      }
      if (e.key === 'Escape' && selected.size > 0) {
        e.preventDefault();
        e.stopPropagation();
        useSelection.getState().clear();
        return;
      }
    }
    inner(e);
  };

  return { cards, wrapKeys };
}
