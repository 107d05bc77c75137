import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import { BatchActionBody, BatchResultSchema, RestoredSchema, UploadIdParams } from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';

/** Acting on several uploads at once, and bringing a deleted one back. */
export const uploadBatchRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/uploads/batch', {
    schema: {
      summary: 'One action on many of your uploads: delete, restore or retry. Each id succeeds or fails on its own (an id that is not yours: NOT_FOUND); the answer lists every id.',
      body: BatchActionBody, response: { 200: Envelope(BatchResultSchema) },
    },
  }, async (req) => ok(await ctx.batch.run(req.user.id, req.body)));

  app.post('/upload/:upload_id/restore', {
    schema: {
      summary: 'Bring a deleted upload back (within the retention period): in listings and search at once. Past it, or purged: RESTORE_EXPIRED.',
      params: UploadIdParams, response: { 200: Envelope(RestoredSchema) },
    },
  }, async (req) => {
    const { restored, status, jobId } = await ctx.deleted.restore(req.user.id, req.params.upload_id);
    return ok({ upload_id: req.params.upload_id, restored, processing_status: status, job_id: jobId });
  });
};
