import { FILE_TYPES, type FileType } from '../../shared/file-types.ts';
import { DEFAULT_SEARCH_LIMIT, MAX_QUERY_LENGTH, MAX_SEARCH_LIMIT, type SearchResult } from '../../shared/api/schemas.ts';
import { UsageError } from './client.ts';
import { connect, type ConnectionFlags } from './locate.ts';

export interface SearchOptions extends ConnectionFlags {
  /** Each entry may itself be a comma list: `--type image,video --type audio`. */
  type?: string[];
  limit?: number;
  json?: boolean;
}

/** `trove search "<query>"`: ranked matches as a readable list, or the API's `data` with --json. */
export async function searchCommand(queryWords: string[], opts: SearchOptions): Promise<number> {
  const query = queryWords.join(' ').trim();
  if (query === '') throw new UsageError('Type something to search for, e.g. trove search "beach at sunset".');
  if (query.length > MAX_QUERY_LENGTH) throw new UsageError(`The query is ${query.length} characters long; the limit is ${MAX_QUERY_LENGTH}.`);
  const fileTypes = parseTypes(opts.type ?? []);
  const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}, got ${limit}.`);
  }

  const { client } = await connect(opts);
  const data = await client.search({ query, limit, ...(fileTypes.length > 0 ? { file_types: fileTypes } : {}) });

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  if (data.results.length === 0) {
    process.stdout.write(`No matches for "${query}"${fileTypes.length ? ` among ${fileTypes.join(', ')} files` : ''}.\n`);
    return 0;
  }
  process.stdout.write(resultsTable(data.results, process.stdout.columns || 100));
  process.stdout.write(`\n${data.results.length} result${data.results.length === 1 ? '' : 's'} in ${Math.round(data.processing_time_ms)} ms.\n`);
  return 0;
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

function resultsTable(results: SearchResult[], columns: number): string {
  const nameWidth = Math.min(40, Math.max(8, ...results.map((r) => r.filename.length)));
  const head = `${'SCORE'.padEnd(6)}  ${'TYPE'.padEnd(8)}  ${'FILE'.padEnd(nameWidth)}  SUMMARY`;
  const summaryWidth = Math.max(20, columns - head.length + 'SUMMARY'.length - 1);
  const lines = [head];
  for (const r of results) {
    const summary = firstLine(r.summary) ?? '—';
    lines.push(
      `${r.similarity_score.toFixed(3).padEnd(6)}  ${r.file_type.padEnd(8)}  ${clip(r.filename, nameWidth).padEnd(nameWidth)}  ${clip(summary, summaryWidth)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function firstLine(text: string | null): string | undefined {
  const line = text?.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  return line || undefined;
}

/** Fits text into a column; control characters (which could move the cursor or recolour the terminal) become spaces. */
function clip(s: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length <= width ? clean : `${clean.slice(0, width - 1)}…`;
}
