/**
 * A result's snippet, split into plain and matched parts: the server marks matched words «like
 * this» (never HTML), and the page renders the marked parts as <mark> elements, as text.
 */
import type { SNIPPET_MARKS } from '../../../shared/api/schemas.ts';

// The schema module's values would bring TypeBox into the page; the type keeps the two in step.
const MARKS = { start: '\u00ab', end: '\u00bb' } as const satisfies typeof SNIPPET_MARKS;
const MARKED = new RegExp(`${MARKS.start}([^${MARKS.start}${MARKS.end}]*)${MARKS.end}`, 'g');

export interface SnippetPart {
  text: string;
  marked: boolean;
}

/**
 * `lead`: at most this many characters before the first marked word (cut at a word, with "…"), so
 * a snippet clamped to two lines on a card still shows what matched.
 */
export function snippetParts(full: string, opts: { lead?: number } = {}): SnippetPart[] {
  const first = full.indexOf(MARKS.start);
  let snippet = full;
  if (opts.lead !== undefined && first > opts.lead) {
    const cut = full.indexOf(' ', first - opts.lead);
    snippet = `\u2026${full.slice(cut >= 0 && cut < first ? cut : first - opts.lead)}`;
  }
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const m of snippet.matchAll(MARKED)) {
    if (m.index > at) parts.push({ text: snippet.slice(at, m.index), marked: false });
    if (m[1]) parts.push({ text: m[1], marked: true });
    at = m.index + m[0].length;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), marked: false });
  // A lone mark (a cut snippet) is not a highlight: show the text without it.
  return parts.map((p) => (p.marked ? p : { ...p, text: p.text.replaceAll(MARKS.start, '').replaceAll(MARKS.end, '') }));
}
