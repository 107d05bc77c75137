import { useShallow } from 'zustand/react/shallow';
import { queryChips } from '../../lib/query-chips.ts';
import { useSearch } from '../../stores/search.ts';
import { useUploads } from '../../stores/uploads.ts';
import { BrowseButton } from '../BrowseButton.tsx';
import { SearchIcon, SparkleIcon } from '../Icons.tsx';
import { WeakerMatches } from './WeakerMatches.tsx';

/** Nothing to show: no matches (with a way to drop the filters the query was read as), or an empty Trove (with a way to add files). */
export function EmptyState({ searching }: { searching: boolean }) {
  const browse = useUploads((s) => s.addFiles);
  const { interpreted, searchFor, weaker } = useSearch(useShallow((s) => ({ interpreted: s.interpreted, searchFor: s.searchFor, weaker: s.moreBelowCutoff })));
  if (searching) {
    const filtered = interpreted !== null && queryChips(interpreted).length > 0;
    return (
      <div className="empty-state">
        <SearchIcon size={40} />
        <h2>{weaker > 0 ? 'No close matches' : 'No matches'}</h2>
        <p>Try other words, fewer filters, or describe what the file shows or says.</p>
        <WeakerMatches />
        {filtered && interpreted.text.trim() !== '' && (
          <button type="button" className="button" onClick={() => searchFor(interpreted.text)}>Search without filters</button>
        )}
      </div>
    );
  }
  return (
    <div className="empty-state">
      <SparkleIcon size={40} />
      <h2>Your Trove is empty</h2>
      <p>Drop images, videos, audio or documents anywhere in this window, or choose them. Trove reads what they show and say, so you can find them by describing them.</p>
      <BrowseButton onFiles={(files) => void browse(files)} primary />
    </div>
  );
}
