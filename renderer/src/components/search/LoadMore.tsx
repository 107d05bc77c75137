import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SEARCH_PAGE, useSearch } from '../../stores/search.ts';
import { WeakerMatches } from './WeakerMatches.tsx';

/**
 * The end of the loaded results: coming into view loads the next page of the ranked list (an
 * IntersectionObserver on the grid's scroller); the button does the same where that cannot fire.
 * At the end of the list, the weaker matches the cut-off left out are offered (WeakerMatches).
 */
export function LoadMore() {
  const { nextOffset, loadingMore, moreError, shown, total } = useSearch(useShallow((s) => ({
    nextOffset: s.nextOffset, loadingMore: s.loadingMore, moreError: s.moreError, shown: s.results.length, total: s.total,
  })));
  const loadMore = useSearch((s) => s.loadMore);
  const sentinel = useRef<HTMLDivElement>(null);
  const hasMore = nextOffset !== null;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || moreError || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMore();
    }, { root: el.closest('.grid-scroll'), rootMargin: '400px 0px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, moreError, loadMore, shown]);

  // The end is worth saying only after scrolling through more than one page; past it, the weaker matches the cut-off left out.
  if (!hasMore) {
    return (
      <>
        {shown > SEARCH_PAGE && <p className="grid-end">All {total.toLocaleString()} results shown</p>}
        <WeakerMatches />
      </>
    );
  }
  return (
    <div className="grid-end" ref={sentinel}>
      {moreError && <p className="form-error" role="alert">{moreError}</p>}
      <button type="button" className="button" disabled={loadingMore} onClick={() => void loadMore()}>
        {loadingMore ? 'Loading\u2026' : `Load more (${shown.toLocaleString()} of ${total.toLocaleString()})`}
      </button>
    </div>
  );
}
