import type { UploadDetail } from '../api/client.ts';
import { cloudNote, describedBy, formatUsd } from '../lib/cloud.ts';
import { LockIcon } from './Icons.tsx';

/**
 * Who described the file, where it stands with the cloud AI model (kept on this device, waiting for
 * budget, declined and why) and what AI cost for it. Nothing while there is nothing to say.
 */
export function AiFacts({ upload }: { upload: UploadDetail }) {
  // Before processing the server has not decided yet; a file kept on this device says so from the start.
  const status = upload.cloud_status ?? (upload.keep_local ? 'kept_local' : null);
  const note = cloudNote(status, upload.cloud_reason);
  if (!upload.analyzer && !note && !(upload.cost_usd > 0)) return null;
  return (
    <section aria-labelledby="detail-ai" className="ai-facts">
      <h3 id="detail-ai">AI description</h3>
      {upload.analyzer && <p className="ai-by">{describedBy(upload.analyzer)}</p>}
      {note && (
        <p className={`ai-note tone-${note.tone}`} data-testid="cloud-note">
          {status === 'kept_local' && <LockIcon size={14} />}
          <span>{note.text}</span>
        </p>
      )}
      {upload.cost_usd > 0 && <p className="ai-cost">AI cost: {formatUsd(upload.cost_usd)}</p>}
    </section>
  );
}
