import type { UploadDetail } from '../../api/client.ts';
import { formatBytes, formatDate } from '../../lib/items.ts';

/** Metadata worth showing: flat values, one level of nesting, no huge blobs. */
function metadataRows(meta: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [];
  const push = (key: string, value: unknown) => {
    if (value === null || value === undefined || value === '') return;
    if (typeof value === 'object') {
      if (Array.isArray(value)) {
        if (value.every((v) => typeof v !== 'object')) push(key, value.join(', '));
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v !== 'object') push(`${key} \u203a ${k}`, v);
      return;
    }
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    if (text === '') return;
    rows.push([humanize(key), text.length > 200 ? `${text.slice(0, 200)}\u2026` : text]);
  };
  for (const [k, v] of Object.entries(meta)) push(k, v);
  return rows.slice(0, 60);
}

function Fact({ label, value }: { label: string; value: string }) {
  return <div className="facts-row"><dt>{label}</dt><dd>{value}</dd></div>;
}

function humanize(key: string): string {
  const spaced = key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The file's facts: size, format, dates, where it is on this computer, and what its metadata says. */
export function FileFacts({ upload, localPath }: { upload: UploadDetail; localPath: string | null }) {
  const meta = metadataRows(upload.metadata);
  return (
    <section aria-labelledby="detail-facts">
      <h3 id="detail-facts">Details</h3>
      <dl className="facts">
        <Fact label="Size" value={formatBytes(upload.file_size)} />
        <Fact label="Format" value={upload.mime_type} />
        <Fact label="Added" value={formatDate(upload.created_at, true)} />
        <Fact label="Status" value={upload.processing_status} />
        {localPath && <Fact label="On this computer" value={localPath} />}
        {meta.map(([k, v]) => <Fact key={k} label={k} value={v} />)}
      </dl>
    </section>
  );
}
