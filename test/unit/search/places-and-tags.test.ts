/**
 * `tag:` in the shared parser (and back through formatQuery), the folder tree built from upload
 * paths, and how the server turns "in Holidays 2023" into one of the user's folders or collections.
 */
import { describe, expect, it } from 'vitest';
import { normaliseTag } from '../../../shared/api/organize.ts';
import { formatQuery } from '../../../shared/search/query-format.ts';
import { MAX_TAG_FILTERS, parseQuery } from '../../../shared/search/query-parser.ts';
import { buildFolderTree } from '../../../server/services/folder-service.ts';
import { parserPlaces, resolvePlace, type UserPlaces } from '../../../server/services/search-places.ts';

const NOW = new Date('2026-05-20T10:00:00.000Z');
const parse = (q: string, places?: UserPlaces) => parseQuery(q, { now: NOW, ...(places ? { places: parserPlaces(places) } : {}) });

describe('tag: in a query', () => {
  it('becomes the tags filter, as stored (lower case, # dropped), each once; the rest stays text', () => {
    expect(parse('sunset tag:Beach')).toMatchObject({ text: 'sunset', filters: { tags: ['beach'] } });
    expect(parse('tag:beach tags:#Family tag:BEACH photos')).toMatchObject({ text: '', filters: { tags: ['beach', 'family'], file_types: ['image'] } });
    expect(parse('tag:"new york" 2019').filters).toMatchObject({ tags: ['new york'], date_from: '2019-01-01T00:00:00.000Z' });
  });

  it('leaves a value that cannot be a tag as typed, and reads at most MAX_TAG_FILTERS', () => {
    const long = `tag:${'x'.repeat(51)}`;
    expect(parse(long)).toMatchObject({ text: long, filters: {} });
    const many = Array.from({ length: MAX_TAG_FILTERS + 4 }, (_, i) => `tag:t${i}`).join(' ');
    expect(parse(many).filters.tags).toHaveLength(MAX_TAG_FILTERS);
  });

  it('reads back the same through formatQuery', () => {
    for (const q of ['tag:beach', 'dog tag:"new york" tag:family', 'type:pdf tag:tax-2024']) {
      const first = parse(q);
      const again = parse(formatQuery(first));
      expect(again.filters).toEqual(first.filters);
      expect(again.text).toBe(first.text);
    }
  });

  it('normaliseTag refuses blanks and over-long tags', () => {
    expect(normaliseTag('  #Road   Trip ')).toBe('road trip');
    expect(normaliseTag('###')).toBeUndefined();
    expect(normaliseTag('x'.repeat(51))).toBeUndefined();
  });
});

describe('the folder tree', () => {
  it('lists folders depth-first with their own and total counts, parents without files included', () => {
    const tree = buildFolderTree([
      { folder: 'b/x', count: 2 }, { folder: null, count: 5 }, { folder: 'a', count: 1 }, { folder: 'b/x/y', count: 3 }, { folder: 'B2', count: 1 },
    ]);
    expect(tree.unfiled).toBe(5);
    expect(tree.folders.map((f) => [f.path, f.depth, f.file_count, f.total_count])).toEqual([
      ['a', 0, 1, 1], ['b', 0, 0, 5], ['b/x', 1, 2, 5], ['b/x/y', 2, 3, 3], ['B2', 0, 1, 1],
    ]);
  });
});

describe('"in …" against the user\'s places', () => {
  const places: UserPlaces = {
    folders: ['Holidays', 'Holidays/2023', 'Holidays/2023/Porto', 'Work'],
    collections: [
      { id: 'c1', path: 'Trips', parentId: null },
      { id: 'c2', path: 'Trips/Summer', parentId: 'c1' },
      { id: 'c3', path: 'Work', parentId: null },
    ],
  };

  it('names a folder by its path, its path as words, or its own unique name; a bare number stays a year', () => {
    expect(resolvePlace(places, 'folder', parse('in Holidays 2023', places).filters.folder!)).toEqual({ kind: 'folder', path: 'Holidays/2023' });
    expect(resolvePlace(places, 'folder', parse('beach in holidays/2023/porto', places).filters.folder!)).toEqual({ kind: 'folder', path: 'Holidays/2023/Porto' });
    expect(resolvePlace(places, 'folder', parse('in Porto', places).filters.folder!)).toEqual({ kind: 'folder', path: 'Holidays/2023/Porto' });
    expect(parse('photos in 2023', places).filters).toMatchObject({ date_from: '2023-01-01T00:00:00.000Z' });
  });

  it('names a collection with its sub-collections\' ids; the operator kind is preferred when both exist', () => {
    const said = parse('in Trips', places).filters.collection!;
    expect(resolvePlace(places, 'collection', said)).toEqual({ kind: 'collection', path: 'Trips', ids: ['c1', 'c2'] });
    expect(resolvePlace(places, 'collection', 'trips summer')).toEqual({ kind: 'collection', path: 'Trips/Summer', ids: ['c2'] });
    expect(resolvePlace(places, 'folder', 'Work')).toEqual({ kind: 'folder', path: 'Work' });
    expect(resolvePlace(places, 'collection', 'Work')).toEqual({ kind: 'collection', path: 'Work', ids: ['c3'] });
    expect(resolvePlace(places, 'folder', 'Summer')).toEqual({ kind: 'collection', path: 'Trips/Summer', ids: ['c2'] });
    expect(resolvePlace(places, 'folder', 'Nowhere')).toBeUndefined();
  });
});
