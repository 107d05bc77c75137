import type { SearchMoment } from '../../../shared/api/schemas.ts';

/** Seconds as a player shows them: 1:42, or 1:02:05 past an hour. */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Where in the file: "at 1:42" for a recording, "page 80" for a document; null when the moment says neither. */
export function momentPlace(m: SearchMoment): string | null {
  if (m.page !== undefined) return `page ${m.page}`;
  if (m.start_s !== undefined) return `at ${clock(m.start_s)}`;
  return null;
}

/** Characters of the moment's words a card quotes. */
const QUOTE_CHARS = 60;

/** The moment's words, quoted and shortened: '…moon landing…'. */
export function momentQuote(m: SearchMoment, max = QUOTE_CHARS): string {
  const text = m.text.replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  return `'…${text.length > max ? `${text.slice(0, max).replace(/\s+\S*$/, '')}` : text}…'`;
}
