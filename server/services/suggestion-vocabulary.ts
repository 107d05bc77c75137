/**
 * Suggestions as the user types, answered from memory: each user's tags, cameras, folders and
 * collections with their counts (db/suggestions-repo.ts) are read once and kept until one of their files finishes, goes
 * or comes back (the event bus says so, from any process), or a minute passes (a backstop for
 * changes that publish no event). Matching a prefix against a few thousand words in memory takes
 * well under a millisecond; the one read per change takes what one GROUP BY over the user's files
 * takes (bench/search.ts measures both at 10,000 files).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { userTerms, type SuggestionRow } from '../db/suggestions-repo.ts';
import type { EventBus } from '../events/event-bus.ts';
import { changesSearchResults } from './search-cache.ts';

/** Words kept per user, the most frequent: beyond these a word is on too few files to be worth suggesting. */
const MAX_TERMS = 20_000;
const TTL_MS = 60_000;
/** Users whose words are kept at once; the least recently asked go first. */
const MAX_USERS = 200;

interface Term extends SuggestionRow {
  lower: string;
}

interface Entry {
  terms: Promise<Term[]>;
  until: number;
  unsubscribe: () => void;
}

/** Each folder row also counts for the folders above it: `Holidays` holds what `Holidays/2023` holds. */
function withAncestorFolders(rows: readonly SuggestionRow[]): SuggestionRow[] {
  const out: SuggestionRow[] = [];
  for (const r of rows) {
    if (r.kind !== 'folder') { out.push(r); continue; }
    const parts = r.value.split('/');
    parts.forEach((_, i) => out.push({ kind: 'folder', value: parts.slice(0, i + 1).join('/'), count: r.count }));
  }
  return out;
}

/**
 * One term per word whatever its case, spelt the way most files spell it, with the counts summed;
 * a tag that repeats a camera's name (the analyzer tags photos with their camera) is left to the
 * camera, whose pick is a filter. Most files first, then by name.
 */
function vocabulary(rows: readonly SuggestionRow[]): Term[] {
  const merged = new Map<string, Term & { top: number }>();
  for (const r of rows) {
    const lower = r.value.toLowerCase();
    const key = `${r.kind}:${lower}`;
    const t = merged.get(key);
    if (!t) merged.set(key, { ...r, lower, top: r.count });
    else {
      t.count += r.count;
      if (r.count > t.top) Object.assign(t, { value: r.value, top: r.count });
    }
  }
  const terms = [...merged.values()].filter((t) => t.kind !== 'tag' || !merged.has(`camera:${t.lower}`));
  terms.sort((a, b) => b.count - a.count || a.lower.localeCompare(b.lower) || a.kind.localeCompare(b.kind));
  return terms.slice(0, MAX_TERMS).map(({ kind, value, count, lower }) => ({ kind, value, count, lower }));
}

export class SuggestionVocabulary {
  private readonly users = new Map<string, Entry>();

  constructor(private readonly deps: { db: Kysely<DB>; events?: EventBus | undefined; now?: () => number }) {}

  /** The user's words with a word starting with `prefix` (any case), most files first. */
  async suggest(userId: string, prefix: string, limit: number): Promise<SuggestionRow[]> {
    const p = prefix.trim().toLowerCase();
    if (p === '') return [];
    const out: SuggestionRow[] = [];
    for (const t of await this.termsOf(userId)) {
      // The start of the value or of a word or path part inside it: "retr" finds "golden retriever",
      // "eos" finds "Canon EOS R5", "2023" finds the folder "Holidays/2023".
      if (t.lower.startsWith(p) || t.lower.includes(` ${p}`) || t.lower.includes(`/${p}`)) out.push({ kind: t.kind, value: t.value, count: t.count });
      if (out.length === limit) break;
    }
    return out;
  }

  /** Reads the user's words now unless they are kept, without waiting (a failure is retried on the next ask). */
  warm(userId: string): void {
    this.termsOf(userId).catch(() => undefined);
  }

  private termsOf(userId: string): Promise<Term[]> {
    const now = (this.deps.now ?? Date.now)();
    const kept = this.users.get(userId);
    if (kept && kept.until > now) {
      // Map order is the LRU order.
      this.users.delete(userId);
      this.users.set(userId, kept);
      return kept.terms;
    }
    this.forget(userId);
    const terms = userTerms(this.deps.db, userId).then((rows) => vocabulary(withAncestorFolders(rows)));
    const unsubscribe = this.deps.events?.subscribe(userId, (e) => {
      if (changesSearchResults(e)) this.forget(userId);
    }) ?? (() => undefined);
    const entry: Entry = { terms, until: now + TTL_MS, unsubscribe };
    this.users.set(userId, entry);
    // A failed read is not kept: the next keystroke tries again.
    terms.catch(() => {
      if (this.users.get(userId) === entry) this.forget(userId);
    });
    while (this.users.size > MAX_USERS) this.forget(this.users.keys().next().value!);
    return terms;
  }

  private forget(userId: string): void {
    const entry = this.users.get(userId);
    if (!entry) return;
    entry.unsubscribe();
    this.users.delete(userId);
  }
}
