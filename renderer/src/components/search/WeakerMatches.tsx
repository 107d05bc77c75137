import { useShallow } from 'zustand/react/shallow';
import { useSearch } from '../../stores/search.ts';

/**
 * Under the last result: the matches the server's relevance cut-off left out (`more_below_cutoff`),
 * one press away. They are not lost, only kept from crowding out the close ones.
 */
export function WeakerMatches() {
  const { weaker, includeWeaker, loading } = useSearch(useShallow((s) => ({
    weaker: s.moreBelowCutoff, includeWeaker: s.includeWeaker, loading: s.status === 'loading',
  })));
  const showWeaker = useSearch((s) => s.showWeaker);
  if (weaker <= 0 || includeWeaker) return null;
  return (
    <div className="weaker-matches">
      <button type="button" className="button" disabled={loading} onClick={() => void showWeaker()}>
        {`Show ${weaker.toLocaleString()} weaker ${weaker === 1 ? 'match' : 'matches'}`}
      </button>
    </div>
  );
}
