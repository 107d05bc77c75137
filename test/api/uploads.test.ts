/**
 * The upload lifecycle over real HTTP: upload, job status, metadata, listing, file links (thumbnail,
 * preview with Range, download), live events, duplicates, delete (soft and purge) and retry.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStatus, SearchResponse, Upload, UploadList } from '../../shared/api/schemas.ts';
import {
  UUID_RE, accept, call, expectEnvelope, followLink, metadata, openEvents, postJson, totalUploads,
} from '../helpers/http.ts';
import { jpegWithExif, mp3WithTags, mp4, pdfWithText, png, truncated } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;

interface Sent {
  name: string;
  bytes: Buffer;
  uploadId: string;
  jobId: string;
  accepted: { status: number; body: unknown };
}
const sent: Record<'photo' | 'video' | 'audio' | 'pdf' | 'text' | 'broken', Sent> = {} as never;
/** In upload order. */
const order = ['photo', 'video', 'audio', 'pdf', 'text', 'broken'] as const;
const PHOTO_NAME = 'Fotoğraf – Ångström 東京.jpg';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  const [photo, video, audio, pdf, photoForBroken] = await Promise.all([
    jpegWithExif({ make: 'Hasselblad', model: 'X2D 100C' }),
    mp4(2),
    mp3WithTags({ title: 'Nocturne Quetzal', artist: 'Ada Lovelace', album: 'Analytical Engines' }),
    pdfWithText(['Quarterly wombat inventory', 'Counted by the night shift.'], 'Wombat report'),
    jpegWithExif({ make: 'Leica', model: 'M11', width: 1200, height: 900, color: '#aa3300' }),
  ]);
  s = await startTestServer();
  const files: Record<keyof typeof sent, [string, Buffer]> = {
    photo: [PHOTO_NAME, photo],
    video: ['clip.mp4', video],
    audio: ['song.mp3', audio],
    pdf: ['report.pdf', pdf],
    text: ['notes.txt', Buffer.from('Minutes: the committee approved the new heron sanctuary budget.\n')],
    broken: ['broken.jpg', truncated(photoForBroken, 0.4)],
  };
  // One at a time so created_at (and so the listing order) follows the upload order.
  for (const key of order) {
    const [name, bytes] = files[key];
    const res = await s.upload(bytes, name, key === 'photo' ? { metadata: '{"album":"holiday","stars":5}' } : {});
    sent[key] = { name, bytes, uploadId: res.body.data?.upload_id, jobId: res.body.data?.job_id ?? '', accepted: res };
  }
  await Promise.all(order.filter((k) => sent[k].uploadId).map((k) => s.waitForUpload(sent[k].uploadId)));
});

afterAll(async () => {
  await s?.close();
});

describe('POST /upload', () => {
  it('answers 202 with a queued job for every kind of file', () => {
    for (const key of order) {
      const { accepted } = sent[key];
      expect(accepted.status, key).toBe(202);
      expectEnvelope(accepted.body, 'success');
      const data = (accepted.body as { data: Record<string, unknown> }).data;
      expect(data).toEqual({
        job_id: expect.stringMatching(UUID_RE), upload_id: expect.stringMatching(UUID_RE),
        status: 'queued', duplicate: false, estimated_time: expect.any(Number),
      });
      expect(Number.isInteger(data.estimated_time) && (data.estimated_time as number) >= 1).toBe(true);
    }
    expect(new Set(order.map((k) => sent[k].uploadId)).size).toBe(order.length);
    expect(new Set(order.map((k) => sent[k].jobId)).size).toBe(order.length);
  });

  it('keeps the metadata field whether it comes before or after the file', async () => {
    const form = new FormData();
    form.set('file', new Blob([Buffer.from('Metadata-after-file test note.\n')]), 'meta-after.txt');
    form.set('metadata', '{"source":"scanner","page":3}');
    const res = await call<{ upload_id: string }>(s, '/api/v1/upload', { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const u = await metadata(s, res.body.data.upload_id);
    expect(u.user_metadata).toEqual({ source: 'scanner', page: 3 });
    await s.waitForUpload(u.id);
    await call(s, `/api/v1/upload/${u.id}?purge=true`, { method: 'DELETE' });
  });

  it('refuses a request without a file, or with metadata that is not a JSON object', async () => {
    const before = await totalUploads(s);
    const noFile = new FormData();
    noFile.set('metadata', '{}');
    await call(s, '/api/v1/upload', { method: 'POST', body: noFile, code: 'MISSING_FILE' }).then((r) => expect(r.status).toBe(400));
    await call(s, '/api/v1/upload', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"file":"x"}', code: 'VALIDATION_ERROR',
    }).then((r) => expect(r.status).toBe(400));
    for (const bad of ['not json', '[1,2]', '"text"', 'null']) {
      const res = await s.upload(Buffer.from(`metadata test ${bad}`), 'm.txt', { metadata: bad });
      expect(res.status, bad).toBe(400);
      expectEnvelope(res.body, { code: 'VALIDATION_ERROR' });
      expect(res.body.error!.details).toEqual([expect.objectContaining({ path: 'body/metadata' })]);
    }
    expect(await totalUploads(s)).toBe(before);
  });
});

describe('GET /upload/status/{job_id}', () => {
  it('ends at progress 100 with the finished upload as the result', async () => {
    for (const key of ['photo', 'video', 'audio', 'pdf', 'text'] as const) {
      const { body, status } = await call<JobStatus>(s, `/api/v1/upload/status/${sent[key].jobId}`);
      expect(status).toBe(200);
      expect(body.data).toMatchObject({
        job_id: sent[key].jobId, upload_id: sent[key].uploadId, status: 'completed', progress: 100, attempts: 1, error: null,
      });
      expect(body.data.result).toMatchObject({ id: sent[key].uploadId, processing_status: 'completed', job_id: sent[key].jobId });
    }
  });

  it('reports a failed job with its error code and no result', async () => {
    const { body } = await call<JobStatus>(s, `/api/v1/upload/status/${sent.broken.jobId}`);
    expect(body.data).toMatchObject({ status: 'failed', attempts: 1, result: null, error: { code: 'CORRUPT_FILE' } });
  });

  it('answers 404 for an unknown job and 400 for a malformed id', async () => {
    expect((await call(s, `/api/v1/upload/status/${sent.photo.uploadId}`, { code: 'NOT_FOUND' })).status).toBe(404);
    expect((await call(s, '/api/v1/upload/status/not-a-uuid', { code: 'VALIDATION_ERROR' })).status).toBe(400);
  });
});

describe('GET /file/{id}/metadata', () => {
  it('describes the photo from its bytes and EXIF, with the name and metadata as given', async () => {
    const u = await metadata(s, sent.photo.uploadId);
    expect(u).toMatchObject({
      id: sent.photo.uploadId, filename: PHOTO_NAME, file_type: 'image', mime_type: 'image/jpeg',
      file_size: sent.photo.bytes.length, file_hash: sha256(sent.photo.bytes), processing_status: 'completed',
      processing_error: null, retry_count: 0, user_metadata: { album: 'holiday', stars: 5 }, preview_url: null,
    });
    expect(u.metadata).toMatchObject({ width: 320, height: 240, exif: { make: 'Hasselblad', model: 'X2D 100C' } });
    expect(u.summary).toContain('Hasselblad X2D 100C');
    expect(u.tags).toContain('photo');
    expect(u.embedding_model).toEqual(expect.any(String));
    expect(u.thumbnail_url).toMatch(s.linkPattern);
    expect(Date.parse(u.processing_completed_at!)).toBeGreaterThanOrEqual(Date.parse(u.processing_started_at!));
  });

  it('describes the video, the audio (ID3 tags) and the documents (their text)', async () => {
    const video = await metadata(s, sent.video.uploadId);
    expect(video).toMatchObject({ file_type: 'video', mime_type: 'video/mp4', metadata: { hasAudio: true, width: 160, height: 120 } });
    expect(video.metadata.durationSec).toBeCloseTo(2, 0);
    expect(video.preview_url).toMatch(s.linkPattern);

    const audio = await metadata(s, sent.audio.uploadId);
    expect(audio).toMatchObject({ file_type: 'audio', mime_type: 'audio/mpeg', metadata: { tags: { title: 'Nocturne Quetzal', artist: 'Ada Lovelace' } } });
    expect(audio.summary).toContain('Nocturne Quetzal');

    const pdf = await metadata(s, sent.pdf.uploadId);
    expect(pdf).toMatchObject({ file_type: 'document', mime_type: 'application/pdf', metadata: { pageCount: 1 } });
    expect(pdf.extracted_text).toContain('Quarterly wombat inventory');

    const text = await metadata(s, sent.text.uploadId);
    expect(text).toMatchObject({ file_type: 'document', mime_type: 'text/plain' });
    expect(text.extracted_text).toContain('heron sanctuary');
  });

  it('keeps a failed upload with its error code and no summary', async () => {
    const u = await metadata(s, sent.broken.uploadId);
    expect(u).toMatchObject({ processing_status: 'failed', processing_error: { code: 'CORRUPT_FILE' }, retry_count: 0, summary: null, thumbnail_url: null });
  });
});

describe('GET /uploads', () => {
  const newestFirst = () => [...order].reverse().map((k) => sent[k].uploadId);

  it('lists every upload, newest first, with total and has_more', async () => {
    const { body } = await call<UploadList>(s, '/api/v1/uploads');
    expect(body.data.total).toBe(order.length);
    expect(body.data.has_more).toBe(false);
    expect(body.data.uploads.map((u) => u.id)).toEqual(newestFirst());
    expect(body.data.uploads.find((u) => u.id === sent.photo.uploadId)).toMatchObject({ filename: PHOTO_NAME, file_type: 'image' });
  });

  it('pages with limit and offset', async () => {
    const seen: string[] = [];
    for (const offset of [0, 2, 4]) {
      const { body } = await call<UploadList>(s, `/api/v1/uploads?limit=2&offset=${offset}`);
      expect(body.data.total).toBe(6);
      expect(body.data.uploads).toHaveLength(2);
      expect(body.data.has_more).toBe(offset < 4);
      seen.push(...body.data.uploads.map((u) => u.id));
    }
    expect(seen).toEqual(newestFirst());
    const past = await call<UploadList>(s, '/api/v1/uploads?limit=5&offset=10');
    expect(past.body.data).toEqual({ uploads: [], total: 6, has_more: false });
  });

  it('filters by file_type and status', async () => {
    const ids = async (q: string) => {
      const { body } = await call<UploadList>(s, `/api/v1/uploads?${q}`);
      expect(body.data.total).toBe(body.data.uploads.length);
      return body.data.uploads.map((u) => u.id);
    };
    expect(await ids('file_type=image')).toEqual([sent.broken.uploadId, sent.photo.uploadId]);
    expect(await ids('file_type=video')).toEqual([sent.video.uploadId]);
    expect(await ids('file_type=document')).toEqual([sent.text.uploadId, sent.pdf.uploadId]);
    expect(await ids('status=failed')).toEqual([sent.broken.uploadId]);
    expect(await ids('status=completed&file_type=image')).toEqual([sent.photo.uploadId]);
    expect(await ids('status=pending')).toEqual([]);
  });

  it('rejects bad paging and filter values with 400 VALIDATION_ERROR', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'file_type=spreadsheet', 'status=done']) {
      const { status, body } = await call(s, `/api/v1/uploads?${q}`, { code: 'VALIDATION_ERROR' });
      expect(status, q).toBe(400);
      expect(body.error?.details, q).toEqual(expect.any(Array));
    }
  });
});

describe('GET /file/{id}/thumbnail|preview|download', () => {
  it('redirects the thumbnail to a signed link that serves a JPEG (PNG waveform for audio)', async () => {
    for (const key of ['photo', 'video', 'pdf', 'text'] as const) {
      const res = await followLink(s, await s.api(`/api/v1/file/${sent[key].uploadId}/thumbnail`));
      expect(res.status, key).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      const meta = await sharp(bytes).metadata();
      expect(meta.width <= 600 && meta.height <= 600, `${key} thumbnail ${meta.width}×${meta.height}`).toBe(true);
    }
    const audio = await followLink(s, await s.api(`/api/v1/file/${sent.audio.uploadId}/thumbnail`));
    expect(audio.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await audio.arrayBuffer()).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('serves the video preview with HTTP Range: 206 with Content-Range, 416 outside the file', async () => {
    const link = await s.api(`/api/v1/file/${sent.video.uploadId}/preview`);
    const whole = await followLink(s, link);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const full = Buffer.from(await whole.arrayBuffer());
    expect(full.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(Number(whole.headers.get('content-length'))).toBe(full.length);

    const part = await followLink(s, link, { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${full.length}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(full.subarray(0, 100));

    const tail = await followLink(s, link, { range: 'bytes=-50' });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${full.length - 50}-${full.length - 1}/${full.length}`);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(full.subarray(full.length - 50));

    const open = await followLink(s, link, { range: `bytes=${full.length - 10}-` });
    expect(open.status).toBe(206);
    expect(Buffer.from(await open.arrayBuffer())).toEqual(full.subarray(full.length - 10));

    const outside = await followLink(s, link, { range: `bytes=${full.length}-` });
    expect(outside.status).toBe(416);
    // In cloud mode the bucket itself answers (its own XML error body).
    if (s.mode === 'local') {
      expect(outside.headers.get('content-range')).toBe(`bytes */${full.length}`);
      expectEnvelope(await outside.json(), { code: 'RANGE_NOT_SATISFIABLE' });
    }
  });

  it('downloads the original bytes with its non-ASCII name in Content-Disposition', async () => {
    const res = await followLink(s, await s.api(`/api/v1/file/${sent.photo.uploadId}/download`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(sent.photo.bytes);
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment;/);
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    expect(star, disposition).not.toBeNull();
    expect(decodeURIComponent(star![1]!)).toBe(PHOTO_NAME);
    const fallback = /filename="([^"]*)"/.exec(disposition);
    expect(fallback![1]).toMatch(/^[\x20-\x7e]+$/);
    expect(fallback![1]).toContain('.jpg');

    for (const [key, type] of [['pdf', 'application/pdf'], ['audio', 'audio/mpeg'], ['video', 'video/mp4'], ['text', 'text/plain; charset=utf-8']] as const) {
      const r = await followLink(s, await s.api(`/api/v1/file/${sent[key].uploadId}/download`));
      expect(r.headers.get('content-type'), key).toBe(type);
      expect(Buffer.from(await r.arrayBuffer()).equals(sent[key].bytes), key).toBe(true);
    }
  });

  it('answers 404 for variants a file does not have, and 400 for an unknown variant', async () => {
    await call(s, `/api/v1/file/${sent.photo.uploadId}/preview`, { code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
    await call(s, `/api/v1/file/${sent.broken.uploadId}/thumbnail`, { code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
    await call(s, `/api/v1/file/${sent.photo.uploadId}/original`, { code: 'VALIDATION_ERROR' }).then((r) => expect(r.status).toBe(400));
    // The failed upload's original can still be downloaded.
    const r = await followLink(s, await s.api(`/api/v1/file/${sent.broken.uploadId}/download`));
    expect(Buffer.from(await r.arrayBuffer()).equals(sent.broken.bytes)).toBe(true);
  });
});

describe('GET /events', () => {
  it('streams `event: upload` messages for a new upload through to completed', async () => {
    const stream = await openEvents(s);
    try {
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      const { uploadId, jobId } = await accept(s, await png(1), 'live.png');
      const done = await stream.waitFor((e) => e.upload_id === uploadId && (e.status === 'completed' || e.status === 'failed'));
      expect(done).toMatchObject({ status: 'completed', progress: 100, job_id: jobId, error: null });
      const mine = stream.events.filter((e) => e.upload_id === uploadId);
      expect(mine[0]).toMatchObject({ status: 'pending', progress: 0, job_id: jobId });
      expect(mine.some((e) => e.status === 'processing')).toBe(true);
      const progress = mine.map((e) => e.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(mine.at(-1)).toBe(done);
    } finally {
      stream.close();
    }
  });
});

describe('duplicates', () => {
  it('answers the same bytes again with 200, duplicate: true, the same upload and no new job', async () => {
    const before = await totalUploads(s);
    const res = await s.upload(sent.photo.bytes, 'another name.jpg');
    expect(res.status).toBe(200);
    expectEnvelope(res.body, 'success');
    expect(res.body.data).toMatchObject({ upload_id: sent.photo.uploadId, job_id: sent.photo.jobId, duplicate: true, status: 'completed' });
    expect(await totalUploads(s)).toBe(before);
    const u = await metadata(s, sent.photo.uploadId);
    expect(u.filename).toBe(PHOTO_NAME);
    expect(u.job_id).toBe(sent.photo.jobId);
  });

  it('takes the same bytes sent twice at once as one upload', async () => {
    const before = await totalUploads(s);
    const bytes = await png(2);
    const [a, b] = await Promise.all([s.upload(bytes, 'twin-a.png'), s.upload(bytes, 'twin-b.png')]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(a.body.data.upload_id).toBe(b.body.data.upload_id);
    expect(await totalUploads(s)).toBe(before + 1);
    expect((await s.waitForUpload(a.body.data.upload_id)).processing_status).toBe('completed');
  });

  it('gives the other user their own upload of the same bytes', async () => {
    const mineBefore = await totalUploads(s);
    const res = await s.upload(sent.photo.bytes, 'theirs.jpg', { token: s.otherToken });
    expect(res.status).toBe(202);
    expect(res.body.data.duplicate).toBe(false);
    expect(res.body.data.upload_id).not.toBe(sent.photo.uploadId);
    expect(await totalUploads(s, s.otherToken)).toBe(1);
    expect(await totalUploads(s)).toBe(mineBefore);
    const theirs = await s.waitForUpload(res.body.data.upload_id, { token: s.otherToken });
    expect(theirs).toMatchObject({ filename: 'theirs.jpg', processing_status: 'completed', file_hash: sha256(sent.photo.bytes) });
  });
});

describe('DELETE /upload/{id}', () => {
  const searchIds = async (query: string) =>
    (await postJson<SearchResponse>(s, '/api/v1/search', { query })).body.data.results.map((r) => r.upload_id);

  it('removes an upload from listing and search at once, keeping its bytes until retention ends', async () => {
    const id = sent.pdf.uploadId;
    expect((await searchIds('wombat'))[0]).toBe(id);
    const before = await totalUploads(s);
    const { status, body } = await call<{ upload_id: string; deleted: boolean; purged: boolean; purge_after: string }>(s, `/api/v1/upload/${id}`, { method: 'DELETE' });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ upload_id: id, deleted: true, purged: false });
    const days = (Date.parse(body.data.purge_after) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    expect(await totalUploads(s)).toBe(before - 1);
    const { body: list } = await call<UploadList>(s, '/api/v1/uploads?limit=100');
    expect(list.data.uploads.map((u) => u.id)).not.toContain(id);
    expect(await searchIds('wombat')).not.toContain(id);
    await call(s, `/api/v1/file/${id}/metadata`, { code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
    await call(s, `/api/v1/file/${id}/download`, { code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
    await call(s, `/api/v1/upload/${id}`, { method: 'DELETE', code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
    const files = await s.storedTree();
    expect(files.some((f) => f.includes(`/${id}/original.pdf`))).toBe(true);
  });

  it('accepts the same bytes again after a delete as a new upload', async () => {
    const { uploadId } = await accept(s, sent.pdf.bytes, 'report again.pdf');
    expect(uploadId).not.toBe(sent.pdf.uploadId);
    await s.waitForUpload(uploadId);
    expect((await searchIds('wombat'))[0]).toBe(uploadId);
  });

  it('with ?purge=true also removes the bytes from the data folder', async () => {
    const id = sent.audio.uploadId;
    const u = await metadata(s, id);
    const userId = s.keyOfLink(u.thumbnail_url!).split('/')[0]!;
    const folder = `${userId}/${id}/`;
    const inFolder = async () => (await s.storedTree()).filter((p) => p.startsWith(folder) && p !== folder).map((p) => p.slice(folder.length));
    expect((await inFolder()).sort()).toEqual(['original.mp3', 'thumbnail.png']);
    const thumbLink = await s.api(`/api/v1/file/${id}/thumbnail`);

    const { body } = await call<{ purged: boolean; purge_after: string | null }>(s, `/api/v1/upload/${id}?purge=true`, { method: 'DELETE' });
    expect(body.data).toMatchObject({ upload_id: id, deleted: true, purged: true, purge_after: null });
    expect(await inFolder()).toEqual([]);
    // A link signed before the delete finds nothing now.
    const stale = await followLink(s, thumbLink);
    expect(stale.status).toBe(404);
    if (s.mode === 'local') expectEnvelope(await stale.json(), { code: 'NOT_FOUND' });
    await call(s, `/api/v1/upload/${id}?purge=true`, { method: 'DELETE', code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
  });
});

describe('POST /upload/{id}/retry', () => {
  it('gives a failed upload a new job, which runs once more', async () => {
    const id = sent.broken.uploadId;
    const { status, body } = await call<{ job_id: string; upload_id: string }>(s, `/api/v1/upload/${id}/retry`, { method: 'POST' });
    expect(status).toBe(202);
    expect(body.data.upload_id).toBe(id);
    expect(body.data.job_id).toMatch(UUID_RE);
    expect(body.data.job_id).not.toBe(sent.broken.jobId);
    const after = await s.waitForUpload(id);
    expect(after).toMatchObject({ processing_status: 'failed', job_id: body.data.job_id, retry_count: 0, processing_error: { code: 'CORRUPT_FILE' } });
    const job = await call<JobStatus>(s, `/api/v1/upload/status/${body.data.job_id}`);
    expect(job.body.data).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CORRUPT_FILE' } });
    const old = await call<JobStatus>(s, `/api/v1/upload/status/${sent.broken.jobId}`);
    expect(old.body.data.status).toBe('failed');
  });

  it('refuses uploads that have not failed, and unknown ids', async () => {
    const { status } = await call(s, `/api/v1/upload/${sent.photo.uploadId}/retry`, { method: 'POST', code: 'VALIDATION_ERROR' });
    expect(status).toBe(400);
    expect((await metadata(s, sent.photo.uploadId)).processing_status).toBe('completed');
    await call(s, `/api/v1/upload/${sent.pdf.uploadId}/retry`, { method: 'POST', code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
    await call(s, '/api/v1/upload/0b8e2a3c-1111-4222-8333-944455556666/retry', { method: 'POST', code: 'NOT_FOUND' }).then((r) => expect(r.status).toBe(404));
    await call(s, '/api/v1/upload/nope/retry', { method: 'POST', code: 'VALIDATION_ERROR' }).then((r) => expect(r.status).toBe(400));
  });
});

describe('bookkeeping', () => {
  it('counts the finished uploads in uploads_total', async () => {
    const text = await (await s.api('/api/v1/metrics', { token: s.server.token })).text();
    // photo, video, audio, pdf, text, meta-after, live.png, twin png, other user's photo, pdf again → completed; broken twice → failed.
    const completed = [...text.matchAll(/^uploads_total\{[^}]*status="completed"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const failed = [...text.matchAll(/^uploads_total\{[^}]*status="failed"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(completed).toBe(10);
    expect(failed).toBe(2);
  });

  it('every upload still listed is one the tests expect', async () => {
    const { body } = await call<UploadList>(s, '/api/v1/uploads?limit=100');
    const names = body.data.uploads.map((u: Upload) => u.filename.replace(/^twin-[ab]\.png$/, 'twin.png')).sort();
    expect(names).toEqual(['broken.jpg', 'clip.mp4', 'live.png', 'notes.txt', PHOTO_NAME, 'report again.pdf', 'twin.png'].sort());
  });
});
