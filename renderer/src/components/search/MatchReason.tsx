import type { SearchReason } from '../../../../shared/api/schemas.ts';
import { snippetParts } from '../../lib/snippet.ts';

/** The snippet as text, its «marked» words as <mark> (never as HTML). */
function Snippet({ text, lead }: { text: string; lead?: number }) {
  return <>{snippetParts(text, { lead }).map((p, i) => (p.marked ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</>;
}

/** Characters a card shows before the first matched word: two short lines hold about this much before it. */
const CARD_LEAD = 30;

const WHERE = { name: 'its name', summary: 'its description', text: 'its text', tags: 'its tags' } as const;

/** Why a result matched, in a line for a card. Nothing for a search of filters only: every file matches them alike. */
export function MatchReasonLine({ reason }: { reason: SearchReason }) {
  if (reason.snippet) return <p className="match-reason"><Snippet text={reason.snippet} lead={CARD_LEAD} /></p>;
  if (reason.matched?.length) return <p className="match-reason">Tagged {reason.matched.map((t, i) => <span key={t}>{i > 0 && ', '}<mark>{t}</mark></span>)}</p>;
  if (reason.by === 'meaning') return <p className="match-reason is-meaning">Similar in meaning</p>;
  if (reason.field === 'name') return <p className="match-reason">Name matches</p>;
  return null;
}

/** Why a result matched, in full, for the detail view. */
export function MatchReasonDetail({ reason }: { reason: SearchReason }) {
  const how = {
    text: `Contains your words${reason.field ? ` in ${WHERE[reason.field]}` : ''}.`,
    both: `Contains your words${reason.field ? ` in ${WHERE[reason.field]}` : ''} and is close in meaning.`,
    meaning: 'Similar in meaning: none of your words appear in it.',
    filters: 'Matches your filters.',
  }[reason.by];
  return (
    <section aria-labelledby="detail-reason">
      <h3 id="detail-reason">Why it matched</h3>
      <p>{how}</p>
      {reason.snippet && <blockquote className="match-snippet"><Snippet text={reason.snippet} /></blockquote>}
      {reason.matched && reason.matched.length > 0 && (
        <ul className="tag-list" aria-label="Matched tags">{reason.matched.map((t) => <li key={t} className="tag"><mark>{t}</mark></li>)}</ul>
      )}
    </section>
  );
}
