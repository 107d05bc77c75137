import type { SearchMoment } from '../../../../shared/api/schemas.ts';
import { momentPlace, momentQuote } from '../../lib/moment.ts';

/** Where inside the file a search matched, for a card: "at 1:42 — '…moon landing…'" or "page 80 — '…'". */
export function MomentLine({ moment }: { moment: SearchMoment }) {
  const place = momentPlace(moment);
  if (!place) return null;
  const quote = momentQuote(moment);
  return (
    <span className="card-moment" title={moment.text}>
      <strong>{place}</strong>{quote && ` — ${quote}`}
    </span>
  );
}
