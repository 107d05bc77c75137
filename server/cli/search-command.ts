import { FILE_TYPES, type FileType } from '../../shared/file-types.ts';
import {
  DEFAULT_SEARCH_LIMIT, MAX_QUERY_LENGTH, MAX_SEARCH_LIMIT, MAX_SEARCH_OFFSET, SEARCH_SORTS, SNIPPET_MARKS, type SearchBody, type SearchFacets,
  type SearchReason, type SearchResponse, type SearchResult, type SearchSort,
} from '../../shared/api/schemas.ts';
import { formatBytes } from '../../shared/format.ts';
import { dayIn, filterLabels } from '../../shared/search/filter-labels.ts';
import type { TroveClient } from './client.ts';
import { UsageError } from './client.ts';
import { connect, type ConnectionFlags } from './locate.ts';

/** The flags as commander hands them over: numbers and the sort still as typed, checked here. */
export interface SearchFlags extends ConnectionFlags {
  /** Each entry may itself be a comma list: `--type image,video --type audio`. */
  type?: string[];
  /** Results per answer; with --all, per page (default 100 then). */
  limit?: string;
  offset?: string;
  /** Page on to the end of the ranked list. */
  all?: boolean;
  /** Also the weaker matches the relevance cut-off leaves out (`include_weaker`). */
  weaker?: boolean;
  sort?: string;
  /** Match every word as typed (no dates, kinds, cameras read out of the query). */
  literal?: boolean;
  /** IANA zone "last week" and "March" are read in; default: this system's. The server checks it. */
  timeZone?: string;
  json?: boolean;
}

const SORTS = SEARCH_SORTS.filter((s) => s !== 'date');

function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'.`);
  return n;
}

function sortOf(value: string | undefined): SearchSort | undefined {
  if (value === undefined) return undefined;
  const sort = SORTS.find((s) => s === value.trim().toLowerCase());
  if (!sort) throw new UsageError(`--sort must be one of ${SORTS.join(', ')}, got '${value}'.`);
  return sort;
}

/** The system's IANA time zone (honours TZ), or undefined where the runtime cannot tell. */
export function systemTimeZone(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
}

/**
 * `trove search "<query>"`: what the query was understood as, then the ranked matches, each with
 * why it matched; with --json the API's `data` (with --all, every page's results in one answer).
 */
export async function searchCommand(queryWords: string[], opts: SearchFlags): Promise<number> {
  const query = queryWords.join(' ').trim();
  if (query === '') throw new UsageError('Type something to search for, e.g. trove search "pdf from last March".');
  if (query.length > MAX_QUERY_LENGTH) throw new UsageError(`The query is ${query.length} characters long; the limit is ${MAX_QUERY_LENGTH}.`);
  const fileTypes = parseTypes(opts.type ?? []);
  const offset = wholeNumber('--offset', opts.offset, 0, MAX_SEARCH_OFFSET);
  const limit = wholeNumber('--limit', opts.limit, 1, MAX_SEARCH_LIMIT) ?? (opts.all ? MAX_SEARCH_LIMIT : DEFAULT_SEARCH_LIMIT);
  const sort = sortOf(opts.sort);
  const timeZone = opts.timeZone ?? systemTimeZone();
  const body: SearchBody = {
    query, limit, ...(offset ? { offset } : {}), ...(sort ? { sort } : {}),
    ...(fileTypes.length > 0 ? { file_types: fileTypes } : {}), ...(opts.literal ? { interpret: false } : {}),
    ...(opts.weaker ? { include_weaker: true } : {}),
    ...(timeZone ? { time_zone: timeZone } : {}),
  };

  const { client } = await connect(opts);
  const data = opts.all ? await everyPage(client, body) : await client.search(body);

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  const tty = process.stdout.isTTY === true;
  process.stdout.write(searchText(data, { query, offset: body.offset ?? 0, timeZone, tty, all: opts.all === true }));
  return 0;
}

/** Every page from the requested offset to the end, as one answer: the first page's reading and counts, all results. */
async function everyPage(client: TroveClient, body: SearchBody): Promise<SearchResponse> {
  const first = await client.search(body);
  const results = [...first.results];
  let page = first;
  let elapsed = first.processing_time_ms;
  while (page.has_more && typeof page.next_offset === 'number' && page.next_offset <= MAX_SEARCH_OFFSET && page.results.length > 0) {
    page = await client.search({ ...body, offset: page.next_offset });
    results.push(...page.results);
    elapsed += page.processing_time_ms;
  }
  return { ...first, results, processing_time_ms: Math.round(elapsed * 10) / 10, has_more: page.has_more ?? false, next_offset: page.next_offset ?? null };
}

export function parseTypes(values: string[]): FileType[] {
  const out: FileType[] = [];
  for (const raw of values.flatMap((v) => v.split(','))) {
    const t = raw.trim().toLowerCase();
    if (t === '') continue;
    if (!(FILE_TYPES as readonly string[]).includes(t)) {
      throw new UsageError(`Unknown file type '${raw.trim()}'; use one of ${FILE_TYPES.join(', ')}.`);
    }
    if (!out.includes(t as FileType)) out.push(t as FileType);
  }
  return out;
}

interface TextOptions {
  query: string;
  offset: number;
  timeZone: string | undefined;
  /** Bold the matched words; otherwise they keep their «marks». */
  tty: boolean;
  all: boolean;
}

/** The human answer: "Understood: …", notes, each result with why it matched, counts, where the list goes on. */
export function searchText(data: SearchResponse, o: TextOptions): string {
  const lines: string[] = [];
  if (data.interpreted) {
    const labels = filterLabels(data.interpreted, { timeZone: o.timeZone }).map((l) => l.label);
    lines.push(`Understood: ${labels.length > 0 ? clean(labels.join(' · ')) : '(nothing to match)'}`);
    for (const n of data.interpreted.notes) lines.push(`Note: ${clean(n.message)}`);
  }
  const weaker = data.more_below_cutoff ?? 0;
  const weakerLine = `${weaker} weaker ${weaker === 1 ? 'match' : 'matches'} left out (--weaker lists ${weaker === 1 ? 'it' : 'them'} too).`;
  if (data.results.length === 0) {
    lines.push(o.offset > 0 ? `No results from ${o.offset + 1} on.` : `No ${weaker > 0 ? 'close ' : ''}matches for "${clean(o.query)}".`);
    if (weaker > 0 && !data.has_more) lines.push(weakerLine);
    return `${lines.join('\n')}\n`;
  }
  lines.push('');
  data.results.forEach((r, i) => {
    lines.push(`${String(o.offset + i + 1).padStart(3)}. ${resultLine(r, o.timeZone)}`);
    lines.push(`     ${reasonText(r.reason, r.summary, o.tty)}`);
  });
  lines.push('');
  const facets = data.facets && facetsText(data.facets);
  if (facets) lines.push(facets);
  const total = data.total ?? data.results.length;
  const shown = o.all ? `${data.results.length} of ${total}` : `${o.offset + 1}–${o.offset + data.results.length} of ${total}`;
  const more = data.has_more && typeof data.next_offset === 'number'
    ? (data.next_offset > MAX_SEARCH_OFFSET ? ` (the list goes on past ${MAX_SEARCH_OFFSET}; narrow the search)` : ` (more: --offset ${data.next_offset}, or --all)`)
    : '';
  lines.push(`Results ${shown}${more}, in ${Math.round(data.processing_time_ms)} ms.`);
  if (weaker > 0) lines.push(weakerLine);
  return `${lines.join('\n')}\n`;
}

function resultLine(r: SearchResult, timeZone: string | undefined): string {
  const parts = [clean(r.filename), r.file_type];
  if (r.content_date) parts.push(dayIn(r.content_date, timeZone, 'start').slice(0, 10));
  if (r.file_size !== undefined) parts.push(formatBytes(r.file_size));
  if (r.reason?.by !== 'filters') parts.push(`score ${r.similarity_score.toFixed(3)}`);
  return parts.join(' · ');
}

const WHERE: Record<NonNullable<SearchReason['field']>, string> = { name: 'in the name', summary: 'in the description', text: 'in the text', tags: 'in the tags' };

/** Why a result is in the list, in a line: the matched words in context, the tags, or "similar in meaning". */
export function reasonText(reason: SearchReason | undefined, summary: string | null, tty: boolean): string {
  const about = firstLine(summary);
  switch (reason?.by) {
    case undefined: return about ? clip(about, 160) : '';
    case 'filters': return `matches the filters${about ? ` — ${clip(about, 140)}` : ''}`;
    case 'meaning': return `similar in meaning${about ? ` — ${clip(about, 140)}` : ''}`;
    case 'text':
    case 'both': {
      const bits: string[] = [];
      if (reason.snippet) bits.push(`words ${WHERE[reason.field ?? 'text']}: ${marks(clip(reason.snippet, 300), tty)}`);
      if (reason.matched?.length) bits.push(`tags: ${reason.matched.map((t) => marks(`${SNIPPET_MARKS.start}${clean(t)}${SNIPPET_MARKS.end}`, tty)).join(', ')}`);
      if (bits.length === 0) bits.push(reason.field === 'name' ? 'words in the name' : 'words');
      return `${bits.join('; ')}${reason.by === 'both' ? ' (and similar in meaning)' : ''}`;
    }
  }
}

/** «marked» words in bold on a terminal; kept as «marks» when the output goes to a file or a pipe. */
function marks(s: string, tty: boolean): string {
  if (!tty) return s;
  return s.replaceAll(SNIPPET_MARKS.start, '\u001b[1m').replaceAll(SNIPPET_MARKS.end, '\u001b[22m');
}

function facetsText(f: SearchFacets): string | undefined {
  const top = (counts: Record<string, number>, n: number) =>
    Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, n).map(([k, v]) => `${clean(k)} ${v}`).join(', ');
  const parts = [
    ['types', top(f.file_type, 4)], ['years', top(f.year, 6)], ['cameras', top(f.camera, 4)],
  ].filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}`);
  return parts.length ? `By ${parts.join(' · ')}` : undefined;
}

function firstLine(text: string | null): string | undefined {
  const line = text?.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  return line ? clean(line) : undefined;
}

/** Control characters (which could move the cursor or recolour the terminal) become spaces. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function clip(s: string, width: number): string {
  const c = clean(s);
  return c.length <= width ? c : `${c.slice(0, width - 1)}…`;
}
