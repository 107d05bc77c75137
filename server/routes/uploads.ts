import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { Type } from 'typebox';
import { TroveError } from '../../shared/api/errors.ts';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import {
  DeleteUploadQuery, DeletedSchema, JobIdParams, JobStatusSchemaOut, ListUploadsQuery, Sha256Params, UploadAcceptedSchema,
  UploadIdParams, UploadListSchema, UploadSchema,
} from '../../shared/api/schemas.ts';
import { BatchAcceptedSchema, isArchiveName } from '../../shared/api/archives.ts';
import type { AppContext } from '../http/context.ts';
import type { Intake } from '../services/zip/archive-intake.ts';
import { presentDeleted, presentUpload } from '../http/present.ts';
import { cleanFileName } from '../../shared/file-names.ts';
import { parseUserMetadata } from '../services/upload-metadata.ts';

/** Multipart overhead allowed on top of the file itself before Content-Length alone proves a 413. */
const FORM_OVERHEAD = 64 * 1024;

type Api = Parameters<FastifyPluginAsyncTypebox>[0];
type Ingested = Intake;

/** Every upload endpoint, one registration per group. */
export const uploadRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  registerFileUpload(app, ctx);
  registerUploadChecks(app, ctx);
  registerUploadReads(app, ctx);
  registerUploadChanges(app, ctx);
};

/** POST /upload: one file as multipart/form-data. */
function registerFileUpload(app: Api, ctx: AppContext): void {
  app.post('/upload', {
    schema: {
      summary: 'Upload one file (multipart/form-data: `file`, optional `metadata` JSON object). A `.zip` is taken as an archive: each entry becomes an upload, and the answer is the batch (see GET /batches/{batch_id}).',
      consumes: ['multipart/form-data'],
      response: { 202: Envelope(Type.Union([UploadAcceptedSchema, BatchAcceptedSchema])), 200: Envelope(UploadAcceptedSchema) },
    },
  }, async (req, reply) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > ctx.maxFileSize + FORM_OVERHEAD) throw tooLarge(ctx.maxFileSize);
    if (!req.isMultipart()) throw new TroveError('VALIDATION_ERROR', 'Send the file as multipart/form-data with a field named "file".');
    const { result: intake, metadata, metadataAfterFile } = await receiveForm(ctx, req.user.id, req.parts({ limits: { fileSize: ctx.maxFileSize, files: 1, fields: 4, fieldSize: 64 * 1024 } }));
    if (!intake) throw new TroveError('MISSING_FILE', 'No file was sent: add a form field named "file".');
    if (intake.kind === 'batch') return reply.status(202).send(ok(intake.batch));
    const result = intake.result;
    if (metadataAfterFile && !result.duplicate) {
      await ctx.uploads.setUserMetadata(result.upload.id, metadata);
    }
    reply.status(result.duplicate ? 200 : 202);
    return ok({
      job_id: result.jobId,
      upload_id: result.upload.id,
      status: result.duplicate ? result.upload.processing_status : 'queued',
      duplicate: result.duplicate,
      estimated_time: result.estimatedSeconds,
    });
  });
}

/**
 * Reads the form's parts in order: the `metadata` field (before or after the file) and the one
 * `file`, which is ingested as it streams in. Metadata that came after the file is applied by the
 * caller (the upload row already exists by then).
 */
async function receiveForm(ctx: AppContext, userId: string, parts: AsyncIterable<Multipart>) {
  let metadata: Record<string, unknown> = {};
  let result: Ingested | undefined;
  let metadataAfterFile = false;
  for await (const part of parts) {
    if (part.type === 'field') {
      if (part.fieldname === 'metadata') {
        metadata = parseUserMetadata(part.value, 'body/metadata');
        metadataAfterFile = result !== undefined;
      }
      continue;
    }
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw new TroveError('VALIDATION_ERROR', `Unexpected file field "${part.fieldname}"; name it "file".`);
    }
    result = await ingestPart(ctx, userId, part, metadata);
  }
  return { result, metadata, metadataAfterFile };
}

/** What the clients ask before and after sending: "do you have these bytes?", "how far is this job?". */
function registerUploadChecks(app: Api, ctx: AppContext): void {
  app.head('/uploads/by-hash/:sha256', {
    schema: {
      summary: 'Whether you already have a live upload with these bytes (SHA-256, hex): 200 yes, 404 no. No body.',
      params: Sha256Params,
    },
  }, async (req, reply) => {
    const found = await ctx.uploads.findByHash(req.user.id, req.params.sha256);
    return reply.status(200).header('Trove-Upload-Id', found.id).send();
  });

  app.get('/upload/status/:job_id', {
    schema: { summary: 'Progress of one processing job.', params: JobIdParams, response: { 200: Envelope(JobStatusSchemaOut) } },
  }, async (req) => {
    const { job, upload } = await ctx.uploads.jobStatus(req.user.id, req.params.job_id);
    return ok({
      job_id: job.id,
      upload_id: job.upload_id,
      status: job.state,
      progress: job.progress,
      stage: job.stage,
      attempts: job.attempts,
      error: job.error_code ? { code: job.error_code, message: job.error_message ?? '' } : null,
      result: upload ? presentUpload(upload, ctx.links) : null,
    });
  });
}

/** The library: the list of uploads, and everything known about one. */
function registerUploadReads(app: Api, ctx: AppContext): void {
  app.get('/uploads', {
    schema: { summary: 'List your uploads, newest first; with deleted=true, the recently deleted ones you can still restore.', querystring: ListUploadsQuery, response: { 200: Envelope(UploadListSchema) } },
  }, async (req) => {
    const q = req.query;
    if (q.deleted) {
      const page = await ctx.deleted.list(req.user.id, { limit: q.limit, offset: q.offset });
      return ok({ uploads: page.rows.map((r) => presentDeleted(r, ctx.links)), total: page.total, has_more: q.offset + page.rows.length < page.total });
    }
    const { rows, total } = await ctx.uploads.list(req.user.id, { limit: q.limit, offset: q.offset, fileType: q.file_type, status: q.status, collectionId: q.collection_id, folder: q.folder, tag: q.tag });
    return ok({ uploads: rows.map((r) => presentUpload(r, ctx.links)), total, has_more: q.offset + rows.length < total });
  });

  app.get('/file/:upload_id/metadata', {
    schema: { summary: 'Everything known about one upload.', params: UploadIdParams, response: { 200: Envelope(Type.Intersect([UploadSchema, Type.Object({ extracted_text: Type.Union([Type.String(), Type.Null()]) })])) } },
  }, async (req) => {
    const { upload, extractedText } = await ctx.uploads.details(req.user.id, req.params.upload_id);
    return ok({ ...presentUpload(upload, ctx.links), extracted_text: extractedText });
  });
}

/** Changing an upload: delete it, or process a failed one again. */
function registerUploadChanges(app: Api, ctx: AppContext): void {
  app.delete('/upload/:upload_id', {
    schema: {
      summary: 'Delete an upload: gone from search and listings at once; its bytes are purged after the retention period, or now with purge=true.',
      params: UploadIdParams, querystring: DeleteUploadQuery, response: { 200: Envelope(DeletedSchema) },
    },
  }, async (req) => {
    const { purgeAfter } = await ctx.uploads.remove(req.user.id, req.params.upload_id, req.query.purge);
    return ok({ upload_id: req.params.upload_id, deleted: true as const, purged: purgeAfter === null, purge_after: purgeAfter?.toISOString() ?? null });
  });

  app.post('/upload/:upload_id/retry', {
    schema: { summary: 'Process a failed upload again.', params: UploadIdParams, response: { 202: Envelope(Type.Object({ job_id: Type.String(), upload_id: Type.String() })) } },
  }, async (req, reply) => {
    const { jobId } = await ctx.uploads.retry(req.user.id, req.params.upload_id);
    reply.status(202);
    return ok({ job_id: jobId, upload_id: req.params.upload_id });
  });
}

async function ingestPart(ctx: AppContext, userId: string, part: MultipartFile, metadata: Record<string, unknown>) {
  let truncated = false;
  part.file.once('limit', () => {
    truncated = true;
    // busboy ends a stream cut at the limit normally; failing it makes ingest drop the temp file
    // instead of storing (and queueing) the first MAX_FILE_SIZE bytes as if they were the file.
    part.file.destroy(tooLarge(ctx.maxFileSize));
  });
  try {
    const filename = cleanFileName(part.filename);
    const res: Intake = isArchiveName(filename)
      ? await ctx.archives.receive(userId, part.file, filename, metadata)
      : { kind: 'file', result: await ctx.uploads.ingest(userId, part.file, filename, metadata) };
    if (truncated || part.file.truncated) throw tooLarge(ctx.maxFileSize);
    return res;
  } catch (err) {
    if (truncated || part.file.truncated) throw tooLarge(ctx.maxFileSize);
    throw err;
  }
}

const tooLarge = (max: number) =>
  new TroveError('FILE_TOO_LARGE', `The file is larger than the ${Math.round(max / 1024 / 1024)} MB upload limit.`);
