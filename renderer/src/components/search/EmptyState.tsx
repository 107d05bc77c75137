import { useSearch } from '../../stores/search.ts';
import { useUploads } from '../../stores/uploads.ts';
import { BrowseButton } from '../BrowseButton.tsx';
import { SearchIcon, SparkleIcon } from '../Icons.tsx';

/** Nothing to show: no matches, nothing within the filters, or an empty Trove (with a way to add files). */
export function EmptyState({ searching, filtered }: { searching: boolean; filtered: boolean }) {
  const browse = useUploads((s) => s.addFiles);
  const clearFilters = useSearch((s) => s.clearFilters);
  if (!searching && filtered) {
    return (
      <div className="empty-state">
        <SearchIcon size={40} />
        <h2>No files match these filters</h2>
        <button type="button" className="button" onClick={clearFilters}>Clear filters</button>
      </div>
    );
  }
  if (searching) {
    return (
      <div className="empty-state">
        <SearchIcon size={40} />
        <h2>No matches</h2>
        <p>Try other words, fewer filters, or describe what the file shows or says.</p>
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
