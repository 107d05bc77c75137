import { useShallow } from 'zustand/react/shallow';
import { LIBRARY_PAGE_SIZE, useLibrary } from '../../stores/library.ts';

/** Which files of how many are shown, and the previous and next pages. */
export function LibraryPager() {
  const { offset, shown, total, loading } = useLibrary(useShallow((s) => ({ offset: s.offset, shown: s.items.length, total: s.total, loading: s.loading })));
  const { prevPage, nextPage } = useLibrary.getState();
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + shown, total);
  return (
    <nav className="pager" aria-label="Pages">
      <span aria-live="polite">{total === 0 ? 'No files' : `${first}\u2013${last} of ${total}`}</span>
      <button type="button" className="button button-small" onClick={prevPage} disabled={offset === 0 || loading}>Previous</button>
      <button type="button" className="button button-small" onClick={nextPage} disabled={offset + LIBRARY_PAGE_SIZE >= total || loading}>Next</button>
    </nav>
  );
}
