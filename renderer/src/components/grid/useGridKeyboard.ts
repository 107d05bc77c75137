import type { Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { GridItem } from '../../lib/items.ts';

interface GridKeyboardOptions {
  items: GridItem[];
  columns: number;
  rowHeight: number;
  scrollRef: RefObject<HTMLElement | null>;
  virtualizer: Pick<Virtualizer<HTMLDivElement, Element>, 'scrollToIndex'>;
  onOpen: (item: GridItem) => void;
  onDelete: (item: GridItem) => void;
}

/**
 * The keyboard position in the grid (one card is active) and the keys that move it: arrows,
 * Home/End, Page Up/Down; Enter or Space opens, Delete deletes. Focus follows the active card once
 * its row is rendered (rows scrolled away are not in the DOM).
 */
export function useGridKeyboard({ items, columns, rowHeight, scrollRef, virtualizer, onOpen, onDelete }: GridKeyboardOptions) {
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);

  // Keep the keyboard position on a real item when the list changes under it.
  useEffect(() => {
    setActive((a) => Math.min(a, Math.max(0, items.length - 1)));
  }, [items]);

  // Move DOM focus to the active card once its row is rendered.
  useEffect(() => {
    if (!focusPending.current) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    if (el) {
      focusPending.current = false;
      el.focus({ preventScroll: true });
    }
  });

  const moveTo = useCallback((index: number) => {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, index));
    setActive(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(Math.floor(next / columns), { align: 'auto' });
  }, [items.length, columns, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (items.length === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 3) / rowHeight));
    let handled = true;
    switch (e.key) {
      case 'ArrowRight': moveTo(active + 1); break;
      case 'ArrowLeft': moveTo(active - 1); break;
      case 'ArrowDown': moveTo(active + columns < items.length ? active + columns : active); break;
      case 'ArrowUp': moveTo(active - columns >= 0 ? active - columns : active); break;
      case 'Home': moveTo(0); break;
      case 'End': moveTo(items.length - 1); break;
      case 'PageDown': moveTo(Math.min(items.length - 1, active + columns * pageRows)); break;
      case 'PageUp': moveTo(Math.max(0, active - columns * pageRows)); break;
      case 'Enter':
      case ' ': {
        const item = items[active];
        if (item) onOpen(item);
        break;
      }
      case 'Delete': {
        const item = items[active];
        if (item) onDelete(item);
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  return { active, setActive, moveTo, onKeyDown };
}
