import type { InterpretedQuery, QueryFilters, SearchBody } from '../../shared/api/schemas.ts';
import { FORMATS, mimeTypesOf } from '../../shared/search/formats.ts';
import { parseQuery } from '../../shared/search/query-parser.ts';
import { canonicalTimeZone } from '../../shared/search/time-zone.ts';
import { TroveError } from '../../shared/api/errors.ts';
import type { HybridQuery } from '../db/search-repo.ts';
import { parserPlaces, placeNotFound, resolvePlace, type UserPlaces } from './search-places.ts';

/**
 * The request's `time_zone` in its canonical IANA spelling, or undefined (UTC) when none was sent.
 * Checked here, not by the schema: which zones exist is the runtime's tz database.
 */
export function requestTimeZone(body: Pick<SearchBody, 'time_zone'>): string | undefined {
  if (body.time_zone === undefined) return undefined;
  const zone = canonicalTimeZone(body.time_zone.trim());
  if (!zone) {
    throw new TroveError('INVALID_TIME_ZONE', `"${body.time_zone.slice(0, 64)}" is not a time zone this server knows; send an IANA name such as "Europe/Berlin" or "America/New_York", or leave time_zone out for UTC.`,
      [{ path: 'body/time_zone', message: 'must be an IANA time zone name' }]);
  }
  return zone;
}

/**
 * What a search asks for: the query's words read by the shared parser (unless `interpret: false`),
 * then the request's own fields, which win over what the words said for the same filter (a note
 * says so). "in Holidays" names one of the user's folders or collections (`places`); a name that is
 * neither goes back to the text, with a note — so `interpreted.filters` is exactly what is applied,
 * folders and collections by their full path.
 */
export function interpretSearch(query: string, body: SearchBody, now: Date, places?: UserPlaces): InterpretedQuery {
  const parsed: InterpretedQuery = body.interpret === false
    ? { text: query, filters: {}, phrases: [], notes: [] }
    : parseQuery(query, { now, places: places ? parserPlaces(places) : 'unavailable', timeZone: requestTimeZone(body) });
  const filters: QueryFilters = { ...parsed.filters };
  const notes = [...parsed.notes];
  let text = parsed.text;
  for (const key of ['folder', 'collection'] as const) {
    const name = filters[key];
    if (name === undefined) continue;
    delete filters[key];
    const place = places ? resolvePlace(places, key, name) : undefined;
    if (place) {
      filters[place.kind] = place.path;
      continue;
    }
    text = `${text} ${name}`.trim();
    notes.push(placeNotFound(name));
  }
  if (body.file_types) {
    if (filters.file_types || filters.formats) {
      notes.push({ code: 'FILTER_OVERRIDDEN', message: `The request's file_types (${body.file_types.join(', ')}) replaced the kinds of file the words named.` });
    }
    delete filters.formats;
    filters.file_types = body.file_types;
  }
  if (body.date_from !== undefined || body.date_to !== undefined) {
    if (filters.date_from || filters.date_to) {
      notes.push({ code: 'FILTER_OVERRIDDEN', message: "The request's date_from/date_to replaced the dates the words named." });
    }
    delete filters.date_from;
    delete filters.date_to;
    if (body.date_from) filters.date_from = new Date(body.date_from).toISOString();
    if (body.date_to) filters.date_to = new Date(body.date_to).toISOString();
  }
  return { text, filters, phrases: parsed.phrases, notes };
}

/**
 * The filters as the repository applies them. A format narrows its own type only: "photos pdf" is
 * every image (by type) or a PDF (by MIME type).
 */
export function repositoryFilters(
  f: QueryFilters, places?: UserPlaces,
): Pick<HybridQuery, 'fileTypes' | 'mimeTypes' | 'dateFrom' | 'dateTo' | 'camera' | 'exclude' | 'folder' | 'collectionIds' | 'tags'> {
  const collection = f.collection !== undefined && places ? resolvePlace(places, 'collection', f.collection) : undefined;
  const narrowed = new Set((f.formats ?? []).map((name) => FORMATS[name].type));
  const whole = f.file_types?.filter((t) => !narrowed.has(t));
  return {
    fileTypes: whole?.length || !f.formats?.length ? whole : undefined,
    mimeTypes: f.formats?.length ? mimeTypesOf(f.formats) : undefined,
    dateFrom: f.date_from ? new Date(f.date_from) : undefined,
    dateTo: f.date_to ? new Date(f.date_to) : undefined,
    camera: f.camera,
    exclude: f.exclude,
    folder: f.folder,
    // A collection named in the filters was resolved by interpretSearch; none found leaves nothing to match.
    collectionIds: f.collection === undefined ? undefined : collection?.kind === 'collection' ? collection.ids : [],
    tags: f.tags,
  };
}
