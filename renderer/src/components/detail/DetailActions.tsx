import { useDeletion } from '../../stores/deletion.ts';
import { useDetail } from '../../stores/detail.ts';
import { DownloadIcon, ExternalIcon, FolderIcon, SparkleIcon, TrashIcon } from '../Icons.tsx';
import { ShareButton } from '../share/ShareButton.tsx';

/**
 * What can be done with the open file: download it, find similar ones, show or open the original
 * on this computer (desktop app, files it uploaded), delete it.
 */
export function DetailActions({ id, filename, localPath }: { id: string; filename: string; localPath: string | null }) {
  const loaded = useDetail((s) => s.upload !== null);
  const canFindSimilar = useDetail((s) => (s.similar?.length ?? 0) > 0);
  const requestDelete = useDeletion((s) => s.request);
  const { download, findSimilar, reveal, openLocally } = useDetail.getState();
  return (
    <div className="detail-actions" role="group" aria-label="File actions">
      <button type="button" className="button button-primary" onClick={() => void download()} disabled={!loaded}>
        <DownloadIcon size={16} />Download
      </button>
      {canFindSimilar && (
        <button type="button" className="button" onClick={findSimilar}><SparkleIcon size={16} />Find similar</button>
      )}
      {localPath && (
        <>
          <button type="button" className="button" onClick={() => void reveal()}><FolderIcon size={16} />Show in folder</button>
          <button type="button" className="button" onClick={() => void openLocally()}><ExternalIcon size={16} />Open</button>
        </>
      )}
      <ShareButton target={{ upload_id: id }} name={filename} />
      <button type="button" className="button button-danger-quiet" onClick={() => requestDelete(id, filename)}>
        <TrashIcon size={16} />Delete
      </button>
    </div>
  );
}
