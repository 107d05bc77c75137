/**
 * Resumable uploads at `/api/v1/tus` (tus 1.0.0); the protocol and the hand-off to ingest live in
 * services/tus-uploads.ts. Bearer auth and the Host/Origin guards run before any of this (app-wide
 * `onRequest` hooks); other users' uploads answer 404.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import { TroveError } from '../../shared/api/errors.ts';
import { Type } from 'typebox';
import { BatchAcceptedSchema, TUS_RESULT_HEADERS, TusIdParams, UploadAcceptedSchema } from '../../shared/api/schemas.ts';
import { resultHeaders, type TusUploads } from '../services/tus-uploads.ts';

export const tusRoutes = (tus: TusUploads): FastifyPluginAsyncTypebox => async (app) => {
  // tus streams the body itself: leave PATCH bodies unread for it.
  app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));

  app.route({
    method: ['POST', 'OPTIONS'],
    url: '/tus',
    schema: { summary: 'Create a resumable upload (tus 1.0.0; Upload-Metadata: filename, optional metadata JSON).', hide: false },
    handler: (req, reply) => tus.handle(req.user, req, reply),
  });

  app.route({
    method: ['HEAD', 'PATCH', 'DELETE'],
    url: '/tus/:id',
    schema: { summary: 'Resume (HEAD offset, PATCH bytes) or cancel (DELETE) a resumable upload.', params: TusIdParams },
    handler: async (req, reply) => {
      const owner = await tus.ownerOf(req.params.id);
      if (owner && owner.userId !== req.user.id) throw new TroveError('NOT_FOUND', 'No resumable upload with that id exists.');
      if (owner?.result) {
        // Finished and ingested: the bytes have moved to storage, so answer for tus here.
        if (req.method === 'DELETE') {
          await tus.forgetResult(req.params.id);
          return reply.status(204).header('Tus-Resumable', '1.0.0').send();
        }
        if (req.method === 'PATCH') throw new TroveError('VALIDATION_ERROR', 'This upload is already complete.');
        const { result } = owner;
        reply.status(200).headers({
          'Tus-Resumable': '1.0.0', 'Upload-Offset': String(result.size), 'Upload-Length': String(result.size),
          ...('batch_id' in result ? { [TUS_RESULT_HEADERS.batchId]: result.batch_id } : resultHeaders(result)),
        });
        return reply.send();
      }
      return tus.handle(req.user, req, reply);
    },
  });

  app.get('/tus/:id/result', {
    schema: {
      summary: 'The outcome of a finished resumable upload (same shape as POST /upload). 404 while unfinished.',
      params: TusIdParams,
      response: { 200: Envelope(Type.Union([UploadAcceptedSchema, BatchAcceptedSchema])) },
    },
  }, async (req) => {
    const result = await tus.result(req.params.id);
    if (!result || result.user_id !== req.user.id) throw new TroveError('NOT_FOUND', 'No finished resumable upload with that id exists.');
    if ('batch_id' in result) {
      const { batch_id, archive_name, state, damage, finished, totals } = result;
      return ok({ batch_id, archive_name, state, damage, finished, totals });
    }
    const { job_id, upload_id, status, duplicate, estimated_time } = result;
    return ok({ job_id, upload_id, status, duplicate, estimated_time });
  });
};
