import { useShallow } from 'zustand/react/shallow';
import { useSearch } from '../../stores/search.ts';

/** What the grid shows, in words: recent files, results for a query, files similar to one, or why not. */
export function ResultsStatus({ count }: { count: number }) {
  const { status, error, query, tookMs, similarTo, total, recentTotal, recentLoading, recentError } = useSearch(useShallow((s) => ({
    status: s.status, error: s.error, query: s.query, tookMs: s.tookMs, similarTo: s.similarTo, total: s.total,
    recentTotal: s.recentTotal, recentLoading: s.recentLoading, recentError: s.recentError,
  })));
  const clearSimilar = useSearch((s) => s.clearSimilar);
  let text: string;
  if (similarTo) text = `${count} ${count === 1 ? 'file' : 'files'} similar to \u201c${similarTo.filename}\u201d`;
  else if (query.trim() === '') text = recentError ?? (recentLoading && recentTotal === 0 ? 'Loading your files\u2026' : `Recent files \u00b7 ${recentTotal.toLocaleString()} in your Trove`);
  else if (status === 'loading') text = 'Searching\u2026';
  else if (status === 'error') text = error ?? 'The search failed.';
  else if (status === 'ready') text = `${total.toLocaleString()} ${total === 1 ? 'result' : 'results'} for \u201c${query.trim()}\u201d${tookMs !== null ? ` \u00b7 ${Math.round(tookMs)} ms` : ''}`;
  else text = '';
  return (
    <div className="results-status">
      <p role="status" aria-live="polite" className={status === 'error' || recentError ? 'is-error' : undefined}>
        {status === 'loading' && <span className="spinner spinner-small" aria-hidden="true" />}
        {text}
      </p>
      {similarTo && (
        <button type="button" className="link-button" onClick={clearSimilar}>
          Back to recent files
        </button>
      )}
    </div>
  );
}
