import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TroveError } from '../../shared/api/errors.ts';
import { contentDisposition } from '../../shared/file-names.ts';
import { BlobQuery, FileVariantParams } from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';
import { LINK_TTL_SEC } from '../services/file-links.ts';

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tif: 'image/tiff', avif: 'image/avif',
  mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska', avi: 'video/x-msvideo',
  mp3: 'audio/mpeg', wav: 'audio/wav', flac: 'audio/flac', ogg: 'audio/ogg', m4a: 'audio/mp4', aac: 'audio/aac', opus: 'audio/opus',
  pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

/** Redirects to short-lived signed links, and (local mode) serves them with HTTP Range support. */
export const fileRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/file/:id/:variant', {
    schema: { summary: 'Redirect (302) to a 5-minute signed link for the thumbnail, preview or original.', params: FileVariantParams },
  }, async (req, reply) => {
    const upload = await ctx.uploads.get(req.user.id, req.params.id);
    let url: string;
    switch (req.params.variant) {
      case 'thumbnail':
        if (!upload.thumbnail_uri) throw new TroveError('NOT_FOUND', unavailable('thumbnail', upload.processing_status));
        url = ctx.links.thumbnail(upload.thumbnail_uri);
        break;
      case 'preview':
        if (!upload.preview_uri) throw new TroveError('NOT_FOUND', upload.file_type === 'video' ? unavailable('preview', upload.processing_status) : 'Only videos have a preview; use download for the original.');
        url = ctx.links.preview(upload.preview_uri);
        break;
      case 'download':
        url = ctx.links.download(upload.storage_uri, upload.original_filename);
        break;
    }
    return reply.redirect(url, 302);
  });

  app.get('/blob', {
    schema: { summary: 'Serves a signed link (authorised by its signature, not by the bearer token).', querystring: BlobQuery, hide: false },
    config: { public: true, anyHost: true },
  }, async (req, reply) => {
    if (!ctx.signer) throw new TroveError('NOT_FOUND', 'Signed links are served by the storage service in this mode.');
    ctx.signer.verify(req.query);
    const key = req.query.key;
    if (ctx.bucketLinks) {
      // The bytes come from the bucket; the link it gets lasts as long as ours would have.
      const { name, disposition } = req.query;
      const url = await ctx.bucketLinks.sign({
        key, expiresInSec: LINK_TTL_SEC, ...(name !== undefined ? { filename: name, disposition: disposition ?? 'attachment' } : disposition ? { disposition } : {}),
      });
      // The same link comes back for a minute (gcs-iam-signer.ts), so the browser may keep the redirect that long.
      reply.header('Cache-Control', 'private, max-age=60');
      return reply.redirect(url, 302);
    }
    const stat = await ctx.store.stat(key).catch(() => null);
    if (!stat) throw new TroveError('NOT_FOUND', 'This file no longer exists.');
    const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    reply.header('Content-Type', CONTENT_TYPES[ext] ?? 'application/octet-stream');
    reply.header('Accept-Ranges', 'bytes');
    reply.header('Cache-Control', 'private, max-age=300');
    // The original is served as an attachment unless asked otherwise, so a hostile file never renders as a page here.
    reply.header('Content-Security-Policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
    const name = req.query.name;
    if (name !== undefined) {
      const disposition = req.query.disposition ?? 'attachment';
      reply.header('Content-Disposition', contentDisposition(disposition, name));
    }
    const range = parseRange(req.headers.range, stat.size);
    if (range === 'unsatisfiable') {
      reply.header('Content-Range', `bytes */${stat.size}`);
      throw new TroveError('RANGE_NOT_SATISFIABLE', `The requested range is outside the file (${stat.size} bytes).`);
    }
    if (range) {
      reply.status(206);
      reply.header('Content-Range', `bytes ${range.start}-${range.end}/${stat.size}`);
      reply.header('Content-Length', String(range.end - range.start + 1));
      return reply.send(await ctx.store.read(key, range));
    }
    reply.header('Content-Length', String(stat.size));
    return reply.send(await ctx.store.read(key));
  });
};

const unavailable = (what: string, status: string) =>
  status === 'completed' ? `This file has no ${what}.` : `The ${what} is not ready yet (the file is ${status}).`;

/** Single ranges only (`bytes=a-b`, `bytes=a-`, `bytes=-n`); anything else is served whole, as RFC 9110 allows. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

