/**
 * What a person organises their files with: collections, the folder tree, their own tags, and the
 * preference to hide the analyzer's tags. Read once the session is in, refreshed after each change;
 * the library filters by the place chosen here (`place`).
 */
import { create } from 'zustand';
import type {
  BulkTagsResult, Collection, CollectionItemsChanged, CollectionList, Folder, FolderTree, Preferences, TagList, Upload, UploadCollections,
} from '../../../shared/api/schemas.ts';
import { ApiError } from '../api/errors.ts';
import { getServices } from '../services.ts';

/** Where the library is looking: everything, one collection (with its sub-collections) or one folder (and below). */
export type Place = { kind: 'all' } | { kind: 'collection'; id: string; label: string } | { kind: 'folder'; path: string; label: string };

export interface OrganizeState {
  collections: Collection[];
  folders: Folder[];
  tags: TagList['tags'];
  hideAnalyzerTags: boolean;
  loaded: boolean;
  error: string | null;
  place: Place;

  load: () => Promise<void>;
  choose: (place: Place) => void;
  createCollection: (name: string, parentId?: string | null) => Promise<Collection>;
  renameCollection: (id: string, name: string) => Promise<void>;
  deleteCollection: (id: string) => Promise<void>;
  addToCollection: (id: string, uploadIds: readonly string[]) => Promise<CollectionItemsChanged>;
  removeFromCollection: (id: string, uploadIds: readonly string[]) => Promise<CollectionItemsChanged>;
  collectionsOf: (uploadId: string) => Promise<UploadCollections['collections']>;
  annotate: (uploadId: string, change: { user_tags?: string[]; note?: string | null }) => Promise<Upload>;
  bulkTags: (uploadIds: readonly string[], add: string[], remove?: string[]) => Promise<BulkTagsResult>;
  setHideAnalyzerTags: (hide: boolean) => Promise<void>;
  reset: () => void;
}

const initial = {
  collections: [] as Collection[], folders: [] as Folder[], tags: [] as TagList['tags'], hideAnalyzerTags: false,
  loaded: false, error: null, place: { kind: 'all' } as Place,
};

const messageOf = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

export const useOrganize = create<OrganizeState>()((set, get) => ({
  ...initial,

  async load() {
    const { api } = getServices();
    try {
      const [c, f, t, p] = await Promise.all([
        api.request<CollectionList>('GET', '/collections'),
        api.request<FolderTree>('GET', '/folders'),
        api.request<TagList>('GET', '/tags'),
        api.request<Preferences>('GET', '/preferences'),
      ]);
      const collections = c.collections.map((x) => ({ ...x, cover_url: x.cover_url ? api.absolute(x.cover_url) : null }));
      set({ collections, folders: f.folders, tags: t.tags, hideAnalyzerTags: p.hide_analyzer_tags, loaded: true, error: null });
      // A place that went away (deleted elsewhere) falls back to everything.
      const place = get().place;
      if (place.kind === 'collection' && !collections.some((x) => x.id === place.id)) get().choose({ kind: 'all' });
    } catch (err) {
      set({ error: messageOf(err, 'Your collections and folders could not be loaded.') });
    }
  },

  choose(place) {
    set({ place });
  },

  async createCollection(name, parentId = null) {
    const created = await getServices().api.request<Collection>('POST', '/collections', { body: { name, ...(parentId ? { parent_id: parentId } : {}) } });
    await get().load();
    return created;
  },

  async renameCollection(id, name) {
    await getServices().api.request<Collection>('PATCH', `/collections/${encodeURIComponent(id)}`, { body: { name } });
    await get().load();
  },

  async deleteCollection(id) {
    await getServices().api.request('DELETE', `/collections/${encodeURIComponent(id)}`);
    const place = get().place;
    if (place.kind === 'collection' && place.id === id) set({ place: { kind: 'all' } });
    await get().load();
  },

  async addToCollection(id, uploadIds) {
    const res = await getServices().api.request<CollectionItemsChanged>('POST', `/collections/${encodeURIComponent(id)}/items`, { body: { upload_ids: uploadIds } });
    await get().load();
    return res;
  },

  async removeFromCollection(id, uploadIds) {
    const res = await getServices().api.request<CollectionItemsChanged>('POST', `/collections/${encodeURIComponent(id)}/items/remove`, { body: { upload_ids: uploadIds } });
    await get().load();
    return res;
  },

  async collectionsOf(uploadId) {
    return (await getServices().api.request<UploadCollections>('GET', `/upload/${encodeURIComponent(uploadId)}/collections`)).collections;
  },

  async annotate(uploadId, change) {
    const upload = await getServices().api.request<Upload>('PATCH', `/upload/${encodeURIComponent(uploadId)}`, { body: change });
    void get().load();
    return upload;
  },

  async bulkTags(uploadIds, add, remove = []) {
    const res = await getServices().api.request<BulkTagsResult>('POST', '/uploads/tags', { body: { upload_ids: uploadIds, add, remove } });
    void get().load();
    return res;
  },

  async setHideAnalyzerTags(hide) {
    set({ hideAnalyzerTags: hide });
    try {
      await getServices().api.request<Preferences>('PUT', '/preferences', { body: { hide_analyzer_tags: hide } });
    } catch (err) {
      set({ hideAnalyzerTags: !hide, error: messageOf(err, 'The setting could not be saved.') });
    }
  },

  reset() {
    set({ ...initial });
  },
}));
