/**
 * Archives: what became of each entry of an uploaded ZIP (`GET /batches/{batch_id}`), and many files
 * out as one ZIP (`GET /download?ids=…`). The upload of a ZIP itself is POST /upload or tus.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BatchIdParams, BatchSchema, DOWNLOAD_MISSING_HEADER, DownloadQuery } from '../../shared/api/archives.ts';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import { contentDisposition } from '../../shared/file-names.ts';
import type { AppContext } from '../http/context.ts';

/** At most this many missing ids are named in the header; `_errors.txt` in the ZIP lists them all. */
const HEADER_IDS = 50;

export const archiveRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/batches/:batch_id', {
    schema: {
      summary: 'An uploaded archive: each entry\'s state (queued, processing, done, duplicate, skipped or failed, with the reason) and the totals.',
      params: BatchIdParams, response: { 200: Envelope(BatchSchema) },
    },
  }, async (req) => ok(await ctx.archives.get(req.user.id, req.params.batch_id)));

  app.get('/download', {
    schema: {
      summary: 'Several files as one ZIP, streamed: original names made unique, folders kept. Ids that are unknown or not yours are left out, named in `_errors.txt` and the Trove-Missing-Ids header.',
      querystring: DownloadQuery, produces: ['application/zip'],
    },
  }, async (req, reply) => {
    const zip = await ctx.downloads.build(req.user.id, req.query.ids);
    const name = req.query.name ? req.query.name.replace(/(\.zip)?$/i, '.zip') : `trove-${new Date().toISOString().slice(0, 10)}.zip`;
    reply.header('Content-Type', 'application/zip');
    reply.header('Content-Disposition', contentDisposition('attachment', name));
    reply.header('Cache-Control', 'no-store');
    if (zip.missing.length > 0) reply.header(DOWNLOAD_MISSING_HEADER, zip.missing.slice(0, HEADER_IDS).join(',').replace(/[^0-9A-Za-z,-]/g, '_'));
    return reply.send(zip.stream);
  });
};
