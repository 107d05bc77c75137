/**
 * Collections, the folder tree, and a person's own tags and notes, through the real server in both
 * modes (vitest.config.ts CLOUD_API_SUITES): collections created, renamed, moved, nested one level
 * (COLLECTION_TOO_DEEP), named once among siblings (COLLECTION_NAME_TAKEN), filled and emptied,
 * deleted without deleting a file; everything scoped to its owner (another user's ids are NOT_FOUND
 * and leak nothing); folders from the upload metadata as a tree with counts; tags and notes found by
 * their words and as filters; "in <collection>" and "in <folder>" read as filters, with facets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  BatchResult, BulkTagsResult, Collection, CollectionItemsChanged, CollectionList, FolderTree, Preferences, SearchResponse, TagList, Upload, UploadCollections, UploadList,
} from '../../shared/api/schemas.ts';
import { accept, call, metadata, postJson } from '../helpers/http.ts';
import { png } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
const ids: Record<string, string> = {};
let foreignUpload: string;

const send = <T>(method: string, path: string, body?: unknown, opts: { code?: string; token?: string } = {}) => call<T>(s, path, {
  method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }), ...opts,
});
const create = (name: string, parentId?: string, code?: string) =>
  send<Collection>('POST', '/api/v1/collections', { name, ...(parentId ? { parent_id: parentId } : {}) }, { code });
const list = async (token?: string) => (await send<CollectionList>('GET', '/api/v1/collections', undefined, { token })).body.data.collections;
const search = async (query: string, extra: Record<string, unknown> = {}) => {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', { query, limit: 50, ...extra });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data;
};
const names = (r: SearchResponse) => r.results.map((x) => x.filename).sort();
const listed = async (query: string) => (await send<UploadList>('GET', `/api/v1/uploads?limit=100&${query}`)).body.data.uploads.map((u) => u.filename).sort();

beforeAll(async () => {
  s = await startTestServer();
  const files: [string, Buffer, Record<string, unknown>?][] = [
    ['beach.png', await png(11), { folder: 'Holidays/2023' }],
    ['harbour.png', await png(12), { folder: 'Holidays/2023/Porto' }],
    ['ski.png', await png(13), { folder: 'Holidays/2022' }],
    ['receipt.txt', Buffer.from('Receipt for a bicycle repair: new chain and brake pads.\n'), { folder: 'Paperwork' }],
    ['recipe.txt', Buffer.from('Recipe: lemon cake with poppy seeds, baked for forty minutes.\n')],
  ];
  for (const [name, bytes, meta] of files) {
    ids[name] = (await accept(s, bytes, name, meta ? { metadata: JSON.stringify(meta) } : {})).uploadId;
  }
  for (const id of Object.values(ids)) await s.waitForUpload(id);
  foreignUpload = (await accept(s, Buffer.from('Someone else\'s note about a quokka sanctuary.\n'), 'theirs.txt', { token: s.otherToken })).uploadId;
  await s.waitForUpload(foreignUpload, { token: s.otherToken });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('collections', () => {
  let trips: Collection;
  let summer: Collection;

  it('are created, nested one level, listed with counts and named once among siblings', async () => {
    const res = await create('Trips');
    expect(res.status).toBe(201);
    trips = res.body.data;
    expect(trips).toMatchObject({ name: 'Trips', parent_id: null, path: 'Trips', file_count: 0, total_count: 0, cover_url: null });
    summer = (await create('  Summer   2023 ', trips.id)).body.data;
    expect(summer).toMatchObject({ name: 'Summer 2023', parent_id: trips.id, path: 'Trips/Summer 2023' });
    // A sub-collection has no sub-collections: the stable code, and nothing created.
    const deep = await create('Beach days', summer.id, 'COLLECTION_TOO_DEEP');
    expect(deep.status).toBe(422);
    expect(deep.body.error!.message).toContain('one level');
    await create('trips', undefined, 'COLLECTION_NAME_TAKEN');
    await create('SUMMER 2023', trips.id, 'COLLECTION_NAME_TAKEN');
    // The same name under another parent (or at the top) is fine.
    const topSummer = (await create('Summer 2023')).body.data;
    await create('a/b', undefined, 'VALIDATION_ERROR');
    await create('   ', undefined, 'VALIDATION_ERROR');
    await create('x'.repeat(101), undefined, 'VALIDATION_ERROR');
    expect((await list()).map((c) => c.path)).toEqual(['Summer 2023', 'Trips', 'Trips/Summer 2023']);
    await send('DELETE', `/api/v1/collections/${topSummer.id}`);
  });

  it('take files in and out; a parent counts its sub-collections\' files; the cover is the latest picture', async () => {
    const added = await send<CollectionItemsChanged>('POST', `/api/v1/collections/${summer.id}/items`, { upload_ids: [ids['beach.png'], ids['recipe.txt'], ids['beach.png']] });
    expect(added.body.data).toMatchObject({ changed: expect.arrayContaining([ids['beach.png'], ids['recipe.txt']]), unchanged: [], not_found: [] });
    expect(added.body.data.collection).toMatchObject({ file_count: 2, total_count: 2 });
    const again = await send<CollectionItemsChanged>('POST', `/api/v1/collections/${summer.id}/items`, { upload_ids: [ids['beach.png'], ids['harbour.png']] });
    expect(again.body.data).toMatchObject({ changed: [ids['harbour.png']], unchanged: [ids['beach.png']], not_found: [] });
    await send('POST', `/api/v1/collections/${trips.id}/items`, { upload_ids: [ids['ski.png'], ids['harbour.png']] });
    const byPath = Object.fromEntries((await list()).map((c) => [c.path, c]));
    expect(byPath['Trips']).toMatchObject({ file_count: 2, total_count: 4 });
    expect(byPath['Trips/Summer 2023']).toMatchObject({ file_count: 3, total_count: 3 });
    expect(byPath['Trips']!.cover_url).toMatch(s.linkPattern);
    expect((await s.fetchLink(byPath['Trips']!.cover_url!)).status).toBe(200);

    const removed = await send<CollectionItemsChanged>('POST', `/api/v1/collections/${summer.id}/items/remove`, { upload_ids: [ids['recipe.txt'], ids['ski.png']] });
    expect(removed.body.data).toMatchObject({ changed: [ids['recipe.txt']], unchanged: [ids['ski.png']], not_found: [] });
    const one = await send<CollectionItemsChanged>('DELETE', `/api/v1/collections/${summer.id}/items/${ids['harbour.png']}`);
    expect(one.body.data.collection).toMatchObject({ file_count: 1 });
    await send('POST', `/api/v1/collections/${summer.id}/items`, { upload_ids: [ids['harbour.png']] });
    const of = await send<UploadCollections>('GET', `/api/v1/upload/${ids['harbour.png']}/collections`);
    expect(of.body.data.collections.map((c) => c.path).sort()).toEqual(['Trips', 'Trips/Summer 2023']);
  });

  it('filter the library: a parent lists its sub-collections\' files too', async () => {
    expect(await listed(`collection_id=${summer.id}`)).toEqual(['beach.png', 'harbour.png']);
    expect(await listed(`collection_id=${trips.id}`)).toEqual(['beach.png', 'harbour.png', 'ski.png']);
  });

  it('are searched as places: "in <name>" and "in: <parent> <child>" filter, and facets count them', async () => {
    const inTrips = await search('in Trips');
    expect(inTrips.interpreted!.filters).toEqual({ collection: 'Trips' });
    expect(names(inTrips)).toEqual(['beach.png', 'harbour.png', 'ski.png']);
    const inSummer = await search('in: Trips Summer 2023');
    expect(inSummer.interpreted!.filters).toEqual({ collection: 'Trips/Summer 2023' });
    expect(names(inSummer)).toEqual(['beach.png', 'harbour.png']);
    // The sub-collection's own name is unique, so it names it alone; the operator form too.
    expect(names(await search('in summer 2023'))).toEqual(['beach.png', 'harbour.png']);
    expect(names(await search('collection:"Trips/Summer 2023"'))).toEqual(['beach.png', 'harbour.png']);
    const all = await search('type:image');
    expect(all.facets!.collection).toEqual({ Trips: 3, 'Trips/Summer 2023': 2 });
  });

  it('are renamed and moved; a collection with sub-collections cannot become one', async () => {
    const renamed = await send<Collection>('PATCH', `/api/v1/collections/${summer.id}`, { name: 'Summer' });
    expect(renamed.body.data).toMatchObject({ name: 'Summer', path: 'Trips/Summer', file_count: 2 });
    const other = (await create('Family')).body.data;
    await send('PATCH', `/api/v1/collections/${trips.id}`, { parent_id: other.id }, { code: 'COLLECTION_TOO_DEEP' });
    await send('PATCH', `/api/v1/collections/${summer.id}`, { parent_id: summer.id }, { code: 'COLLECTION_TOO_DEEP' });
    const moved = await send<Collection>('PATCH', `/api/v1/collections/${summer.id}`, { parent_id: other.id });
    expect(moved.body.data).toMatchObject({ parent_id: other.id, path: 'Family/Summer' });
    await send('PATCH', `/api/v1/collections/${summer.id}`, { parent_id: trips.id });
    await send('PATCH', `/api/v1/collections/${summer.id}`, {}, { code: 'VALIDATION_ERROR' });
    await send('DELETE', `/api/v1/collections/${other.id}`);
  });

  it('belong to their owner: another user sees none, and every foreign id is NOT_FOUND', async () => {
    expect(await list(s.otherToken)).toEqual([]);
    const token = s.otherToken;
    await send('GET', `/api/v1/collections/${trips.id}`, undefined, { token, code: 'NOT_FOUND' });
    await send('PATCH', `/api/v1/collections/${trips.id}`, { name: 'Mine now' }, { token, code: 'NOT_FOUND' });
    await send('DELETE', `/api/v1/collections/${trips.id}`, undefined, { token, code: 'NOT_FOUND' });
    await send('POST', `/api/v1/collections/${trips.id}/items`, { upload_ids: [foreignUpload] }, { token, code: 'NOT_FOUND' });
    await send('GET', `/api/v1/upload/${ids['beach.png']}/collections`, undefined, { token, code: 'NOT_FOUND' });
    await send('POST', '/api/v1/collections', { name: 'Nested', parent_id: trips.id }, { token, code: 'NOT_FOUND' });
    // Their own collection cannot take my file; mine cannot take theirs; neither says whose it is.
    const theirs = (await send<Collection>('POST', '/api/v1/collections', { name: 'Trips' }, { token })).body.data;
    const tried = await send<CollectionItemsChanged>('POST', `/api/v1/collections/${theirs.id}/items`, { upload_ids: [ids['beach.png'], foreignUpload] }, { token });
    expect(tried.body.data).toMatchObject({ changed: [foreignUpload], not_found: [ids['beach.png']] });
    const mine = await send<CollectionItemsChanged>('POST', `/api/v1/collections/${trips.id}/items`, { upload_ids: [foreignUpload] });
    expect(mine.body.data).toMatchObject({ changed: [], not_found: [foreignUpload] });
    // Their "Trips" is not mine: my search reads my own.
    expect(names(await search('in Trips'))).toEqual(['beach.png', 'harbour.png', 'ski.png']);
    await send('GET', `/api/v1/uploads?collection_id=${theirs.id}`).then((r) => expect((r.body.data as UploadList).uploads).toEqual([]));
  });

  it('deleting one takes its sub-collections with it and never a file', async () => {
    const res = await send<{ sub_collections_deleted: number }>('DELETE', `/api/v1/collections/${trips.id}`);
    expect(res.body.data).toMatchObject({ collection_id: trips.id, deleted: true, sub_collections_deleted: 1 });
    expect(await list()).toEqual([]);
    await send('GET', `/api/v1/collections/${summer.id}`, undefined, { code: 'NOT_FOUND' });
    for (const id of Object.values(ids)) expect((await metadata(s, id)).id).toBe(id);
    const after = await search('in Trips');
    expect(after.interpreted!.filters).toEqual({});
  });
});

describe('folders', () => {
  it('form a tree with counts from the paths files came with', async () => {
    const tree = (await send<FolderTree>('GET', '/api/v1/folders')).body.data;
    expect(tree.unfiled).toBe(1);
    expect(tree.folders).toEqual([
      { name: 'Holidays', path: 'Holidays', parent: null, depth: 0, file_count: 0, total_count: 3 },
      { name: '2022', path: 'Holidays/2022', parent: 'Holidays', depth: 1, file_count: 1, total_count: 1 },
      { name: '2023', path: 'Holidays/2023', parent: 'Holidays', depth: 1, file_count: 1, total_count: 2 },
      { name: 'Porto', path: 'Holidays/2023/Porto', parent: 'Holidays/2023', depth: 2, file_count: 1, total_count: 1 },
      { name: 'Paperwork', path: 'Paperwork', parent: null, depth: 0, file_count: 1, total_count: 1 },
    ]);
    expect((await send<FolderTree>('GET', '/api/v1/folders', undefined, { token: s.otherToken })).body.data).toEqual({ folders: [], unfiled: 1 });
    expect((await metadata(s, ids['harbour.png']!)).folder).toBe('Holidays/2023/Porto');
  });

  it('filter the library and the search: "in Holidays 2023" is that folder and the ones below it', async () => {
    expect(await listed('folder=Holidays')).toEqual(['beach.png', 'harbour.png', 'ski.png']);
    expect(await listed('folder=Holidays%2F2023')).toEqual(['beach.png', 'harbour.png']);
    expect(await listed('folder=Holi')).toEqual([]);
    const r = await search('in: Holidays 2023');
    expect(r.interpreted!.filters).toEqual({ folder: 'Holidays/2023' });
    expect(names(r)).toEqual(['beach.png', 'harbour.png']);
    expect(names(await search('in Porto'))).toEqual(['harbour.png']);
    expect(names(await search('folder:paperwork'))).toEqual(['receipt.txt']);
    expect((await search('type:image')).facets!.folder).toEqual({ 'Holidays/2022': 1, 'Holidays/2023': 1, 'Holidays/2023/Porto': 1 });
  });

  it('refuses a folder that is not a string in the metadata', async () => {
    const res = await s.upload(Buffer.from('folder test\n'), 'f.txt', { metadata: JSON.stringify({ folder: 7 }) });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('VALIDATION_ERROR');
  });
});

describe('tags and notes', () => {
  it('are the owner\'s own words on a file, apart from the analyzer\'s tags', async () => {
    const before = await metadata(s, ids['recipe.txt']!);
    const res = await send<Upload>('PATCH', `/api/v1/upload/${ids['recipe.txt']}`, { user_tags: ['Baking', '#Family Recipes', 'baking '], note: 'Grandma Ottoline\'s version, from the blue notebook.' });
    expect(res.body.data).toMatchObject({ user_tags: ['baking', 'family recipes'], note: 'Grandma Ottoline\'s version, from the blue notebook.', tags: before.tags });
    expect(await metadata(s, ids['recipe.txt']!)).toMatchObject({ user_tags: ['baking', 'family recipes'] });
    await send('PATCH', `/api/v1/upload/${ids['recipe.txt']}`, { user_tags: ['x'.repeat(51)] }, { code: 'VALIDATION_ERROR' });
    await send('PATCH', `/api/v1/upload/${ids['recipe.txt']}`, {}, { code: 'VALIDATION_ERROR' });
    await send('PATCH', `/api/v1/upload/${ids['recipe.txt']}`, { note: 'n'.repeat(10_001) }, { code: 'VALIDATION_ERROR' });
    await send('PATCH', `/api/v1/upload/${ids['recipe.txt']}`, { note: 'mine' }, { token: s.otherToken, code: 'NOT_FOUND' });
  });

  it('find a file by a word of its note or a tag at once, and only the owner\'s', async () => {
    const byNote = await search('ottoline notebook');
    expect(byNote.results[0]).toMatchObject({ filename: 'recipe.txt', reason: { by: 'text' } });
    const byTag = await search('baking');
    expect(byTag.results[0]).toMatchObject({ filename: 'recipe.txt', reason: { matched: ['baking'] } });
    // The other user's search never sees my words; nor do I see their note about a quokka by keyword.
    const theirs = await postJson<SearchResponse>(s, '/api/v1/search', { query: 'ottoline', min_score: 0.99 }, { token: s.otherToken });
    expect(theirs.body.data.results).toEqual([]);
    // Removing the note removes its words.
    await send('PATCH', `/api/v1/upload/${ids['recipe.txt']}`, { note: null });
    expect(names(await search('ottoline', { min_score: 0.99 }))).toEqual([]);
    await send('PATCH', `/api/v1/upload/${ids['recipe.txt']}`, { note: 'Grandma Ottoline\'s version.' });
  });

  it('filter as tag:…, in bulk, and are listed with counts; a foreign id is only not found', async () => {
    const bulk = await send<BulkTagsResult>('POST', '/api/v1/uploads/tags', { upload_ids: [ids['beach.png'], ids['harbour.png'], foreignUpload], add: ['Seaside', 'baking'] });
    expect(bulk.body.data).toMatchObject({ changed: expect.arrayContaining([ids['beach.png'], ids['harbour.png']]), not_found: [foreignUpload] });
    expect(bulk.body.data.changed).toHaveLength(2);
    await send('POST', '/api/v1/uploads/tags', { upload_ids: [ids['harbour.png']], remove: ['baking'] });
    const seaside = await search('tag:seaside');
    expect(seaside.interpreted!.filters).toEqual({ tags: ['seaside'] });
    expect(names(seaside)).toEqual(['beach.png', 'harbour.png']);
    expect(names(await search('tag:seaside tag:baking'))).toEqual(['beach.png']);
    expect(await listed('tag=seaside')).toEqual(['beach.png', 'harbour.png']);
    const tags = (await send<TagList>('GET', '/api/v1/tags')).body.data.tags;
    expect(tags).toEqual([{ tag: 'baking', count: 2 }, { tag: 'seaside', count: 2 }, { tag: 'family recipes', count: 1 }]);
    expect((await send<TagList>('GET', '/api/v1/tags', undefined, { token: s.otherToken })).body.data.tags).toEqual([]);
    await send('POST', '/api/v1/uploads/tags', { upload_ids: [ids['beach.png']] }, { code: 'VALIDATION_ERROR' });
    await send('POST', '/api/v1/uploads/tags', { upload_ids: [ids['beach.png']], add: Array.from({ length: 50 }, (_, i) => `t${i}`) }, { code: 'VALIDATION_ERROR' });
  });

  it('hiding the analyzer\'s tags is a preference of each user', async () => {
    expect((await send<Preferences>('GET', '/api/v1/preferences')).body.data).toEqual({ hide_analyzer_tags: false });
    expect((await send<Preferences>('PUT', '/api/v1/preferences', { hide_analyzer_tags: true })).body.data).toEqual({ hide_analyzer_tags: true });
    expect((await send<Preferences>('GET', '/api/v1/preferences', undefined, { token: s.otherToken })).body.data).toEqual({ hide_analyzer_tags: false });
    await send('PUT', '/api/v1/preferences', { hide_analyzer_tags: 'yes' }, { code: 'VALIDATION_ERROR' });
  });
});

describe('POST /uploads/batch with tags and collections (the selection bar)', () => {
  it('adds and removes tags and collection membership per id; a foreign file fails alone, a foreign collection fails the request', async () => {
    const batch = (body: Record<string, unknown>, opts: { code?: string; token?: string } = {}) => send<BatchResult>('POST', '/api/v1/uploads/batch', body, opts);
    const c = (await create('Batch picks')).body.data;
    const added = await batch({ action: 'add_to_collection', ids: [ids['ski.png'], ids['receipt.txt'], foreignUpload], collection_id: c.id });
    expect(added.body.data).toMatchObject({ action: 'add_to_collection', succeeded: 2, failed: 1 });
    expect(added.body.data.results.find((r) => r.id === foreignUpload)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await listed(`collection_id=${c.id}`)).toEqual(['receipt.txt', 'ski.png']);
    await batch({ action: 'remove_from_collection', ids: [ids['ski.png']], collection_id: c.id });
    expect(await listed(`collection_id=${c.id}`)).toEqual(['receipt.txt']);

    const tagged = await batch({ action: 'add_tags', ids: [ids['ski.png'], foreignUpload], tags: ['Winter', '#snow'] });
    expect(tagged.body.data).toMatchObject({ succeeded: 1, failed: 1 });
    expect(names(await search('tag:winter tag:snow'))).toEqual(['ski.png']);
    await batch({ action: 'remove_tags', ids: [ids['ski.png']], tags: ['winter'] });
    expect((await metadata(s, ids['ski.png']!)).user_tags).toEqual(['snow']);

    const theirs = (await send<Collection>('POST', '/api/v1/collections', { name: 'Batch picks' }, { token: s.otherToken })).body.data;
    await batch({ action: 'add_to_collection', ids: [ids['ski.png']], collection_id: theirs.id }, { code: 'NOT_FOUND' });
    await batch({ action: 'add_tags', ids: [ids['ski.png']], tags: [] }, { code: 'VALIDATION_ERROR' });
  });
});
