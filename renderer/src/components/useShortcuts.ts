import { useEffect } from 'react';
import { useDeletion } from '../stores/deletion.ts';
import { useNavigation } from '../stores/navigation.ts';

function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type);
}

/** `/` and Ctrl+K (⌘K) jump to the search box from anywhere but a dialog; Ctrl+Z (⌘Z) undoes a delete. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      const ctrlK = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k';
      const slash = e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isEditable(e.target);
      // Ctrl/Cmd+Z undoes the last delete while its toast offers Undo (a text field keeps its own undo).
      const undo = (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z' && !isEditable(e.target);
      if (undo && useDeletion.getState().lastDeleted) {
        e.preventDefault();
        void useDeletion.getState().undo();
        return;
      }
      if (ctrlK || slash) {
        e.preventDefault();
        useNavigation.getState().focusSearch();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
