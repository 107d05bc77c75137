import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import {
  AnnotateUploadBody, BulkTagsBody, BulkTagsResultSchema, CollectionDeletedSchema, CollectionIdParams, CollectionItemParams,
  CollectionItemsChangedSchema, CollectionListSchema, CollectionSchema, CreateCollectionBody, FolderTreeSchema, PreferencesBody,
  PreferencesSchema, TagListSchema, UpdateCollectionBody, UploadCollectionsSchema, UploadIdParams, UploadIdsBody, UploadSchema,
} from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';
import { presentUpload } from '../http/present.ts';

type Organize = NonNullable<AppContext['organize']>;
type Api = Parameters<FastifyPluginAsyncTypebox>[0];

/** Collections, the folder tree, a person's own tags and notes, and their preferences (issue 14). */
export const organizeRoutes = (ctx: AppContext, o: Organize): FastifyPluginAsyncTypebox => async (app) => {
  registerCollections(app, o);
  registerCollectionItems(app, o);
  registerAnnotations(app, ctx, o);
};

function registerCollections(app: Api, o: Organize): void {
  app.get('/collections', {
    schema: { summary: 'Your collections, each parent before its sub-collections, with counts and a cover.', response: { 200: Envelope(CollectionListSchema) } },
  }, async (req) => ok({ collections: await o.collections.list(req.user.id) }));

  app.post('/collections', {
    schema: {
      summary: 'Create a collection; with parent_id, a sub-collection of a top-level one (collections nest one level: COLLECTION_TOO_DEEP).',
      body: CreateCollectionBody, response: { 201: Envelope(CollectionSchema) },
    },
  }, async (req, reply) => {
    reply.status(201);
    return ok(await o.collections.create(req.user.id, req.body));
  });

  app.get('/collections/:collection_id', {
    schema: { summary: 'One collection with its counts and cover.', params: CollectionIdParams, response: { 200: Envelope(CollectionSchema) } },
  }, async (req) => ok(await o.collections.get(req.user.id, req.params.collection_id)));

  app.patch('/collections/:collection_id', {
    schema: {
      summary: 'Rename a collection, or move it under another top-level collection (parent_id) or to the top (null).',
      params: CollectionIdParams, body: UpdateCollectionBody, response: { 200: Envelope(CollectionSchema) },
    },
  }, async (req) => ok(await o.collections.update(req.user.id, req.params.collection_id, req.body)));

  app.delete('/collections/:collection_id', {
    schema: {
      summary: 'Delete a collection and its sub-collections. The files stay in your library.',
      params: CollectionIdParams, response: { 200: Envelope(CollectionDeletedSchema) },
    },
  }, async (req) => {
    const { subCollections } = await o.collections.remove(req.user.id, req.params.collection_id);
    return ok({ collection_id: req.params.collection_id, deleted: true as const, sub_collections_deleted: subCollections });
  });
}

function registerCollectionItems(app: Api, o: Organize): void {
  app.post('/collections/:collection_id/items', {
    schema: {
      summary: 'Add files to a collection. Ids that are not your files are listed in not_found; the others are added.',
      params: CollectionIdParams, body: UploadIdsBody, response: { 200: Envelope(CollectionItemsChangedSchema) },
    },
  }, async (req) => ok(await o.collections.addItems(req.user.id, req.params.collection_id, req.body.upload_ids)));

  app.post('/collections/:collection_id/items/remove', {
    schema: {
      summary: 'Take files out of a collection (the files themselves stay).',
      params: CollectionIdParams, body: UploadIdsBody, response: { 200: Envelope(CollectionItemsChangedSchema) },
    },
  }, async (req) => ok(await o.collections.removeItems(req.user.id, req.params.collection_id, req.body.upload_ids)));

  app.delete('/collections/:collection_id/items/:upload_id', {
    schema: { summary: 'Take one file out of a collection.', params: CollectionItemParams, response: { 200: Envelope(CollectionItemsChangedSchema) } },
  }, async (req) => ok(await o.collections.removeItems(req.user.id, req.params.collection_id, [req.params.upload_id])));

  app.get('/upload/:upload_id/collections', {
    schema: { summary: 'The collections one of your files is in.', params: UploadIdParams, response: { 200: Envelope(UploadCollectionsSchema) } },
  }, async (req) => ok(await o.collections.ofUpload(req.user.id, req.params.upload_id)));

  app.get('/folders', {
    schema: {
      summary: 'The folders your files came in (ZIP folders, synced desktop folders, folders dropped in the browser), as a depth-first tree with counts.',
      response: { 200: Envelope(FolderTreeSchema) },
    },
  }, async (req) => ok(await o.folders.tree(req.user.id)));
}

function registerAnnotations(app: Api, ctx: AppContext, o: Organize): void {
  app.patch('/upload/:upload_id', {
    schema: {
      summary: 'Your own tags (replacing them) and note on one file; searchable by their words at once, tags also by `tag:`.',
      params: UploadIdParams, body: AnnotateUploadBody, response: { 200: Envelope(UploadSchema) },
    },
  }, async (req) => {
    await o.annotations.annotate(req.user.id, req.params.upload_id, req.body);
    return ok(presentUpload(await ctx.uploads.get(req.user.id, req.params.upload_id), ctx.links));
  });

  app.post('/uploads/tags', {
    schema: {
      summary: 'Add and remove your tags on many files at once. Ids that are not your files are listed in not_found.',
      body: BulkTagsBody, response: { 200: Envelope(BulkTagsResultSchema) },
    },
  }, async (req) => ok(await o.annotations.bulkTags(req.user.id, req.body)));

  app.get('/tags', {
    schema: { summary: 'Your own tags with how many files carry each, most used first.', response: { 200: Envelope(TagListSchema) } },
  }, async (req) => ok(await o.annotations.tags(req.user.id)));

  app.get('/preferences', {
    schema: { summary: 'Your preferences (whether the detail view shows the analyzer\'s tags).', response: { 200: Envelope(PreferencesSchema) } },
  }, async (req) => ok(await o.annotations.preferences(req.user.id)));

  app.put('/preferences', {
    schema: { summary: 'Set your preferences.', body: PreferencesBody, response: { 200: Envelope(PreferencesSchema) } },
  }, async (req) => ok(await o.annotations.setPreferences(req.user.id, req.body)));
}
