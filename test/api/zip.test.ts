/**
 * ZIP archives in and out, over real HTTP against the real server (both modes):
 * - a ZIP of 200 mixed files (folders, a duplicate, an unsupported file, a traversal name) is
 *   unpacked into uploads with their folders, the duplicate recognised, GET /batches/{id} and the
 *   live `batch` events telling each entry's fate; downloading the 200 as one ZIP gives back the
 *   same bytes (SHA-256 of each), names made unique, folders kept, a foreign id left out;
 * - zip bombs (ratio — also behind a lying header —, entry count, total size) and unreadable
 *   archives are refused with their codes and leave nothing behind; nested archives, encrypted
 *   entries and unsafe names are listed as skipped; a truncated archive keeps what came before.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { Batch, BatchAccepted, BatchEvent, Upload, UploadList } from '../../shared/api/schemas.ts';
import { call, eventually, listTree, sleep, totalUploads } from '../helpers/http.ts';
import { jpegWithExif, mp3WithTags, pdfWithText, png } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { buildZip, lieAboutSize, markEncrypted, renameEntry, type ZipItem } from '../helpers/zip-builder.ts';

let s: TestServer;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MAX_ENTRIES = 300;

beforeAll(async () => {
  s = await startTestServer({
    TROVE_EMBEDDER: 'hash', TROVE_ZIP_MAX_ENTRIES: String(MAX_ENTRIES), TROVE_ZIP_MAX_TOTAL_SIZE: '40MB', TROVE_DOWNLOAD_MAX_IDS: '250',
  });
});
afterAll(async () => {
  await s?.close();
});

async function uploadZip(bytes: Buffer, name = 'archive.zip', token?: string) {
  return s.upload(bytes, name, { token }) as unknown as Promise<{ status: number; body: { data: BatchAccepted; error: { code: string; message: string } | null } }>;
}

async function batch(id: string, token?: string): Promise<Batch> {
  const { status, body } = await call<Batch>(s, `/api/v1/batches/${id}`, { token });
  expect(status).toBe(200);
  return body.data;
}

/** Waits until every entry is read and settled. */
async function settled(id: string, timeoutMs = 150_000): Promise<Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const b = await batch(id);
    if (b.finished) return b;
    if (Date.now() > deadline) throw new Error(`batch not finished: ${JSON.stringify(b.totals)}`);
    await sleep(300);
  }
}

async function allUploads(): Promise<Upload[]> {
  const out: Upload[] = [];
  for (let offset = 0; ; offset += 100) {
    const { body } = await call<UploadList>(s, `/api/v1/uploads?limit=100&offset=${offset}`);
    out.push(...body.data.uploads);
    if (!body.data.has_more) return out;
  }
}

/** The stored tree, the number of uploads and the staging folder: what a refusal must leave unchanged. */
async function footprint() {
  // Upload folders only: the files in them change as earlier uploads finish processing (thumbnails).
  const folders = (await s.storedTree()).filter((p) => p.endsWith('/') && p.split('/').length <= 3);
  return { uploads: await totalUploads(s), stored: folders, staged: await listTree(path.join(s.tmpDir, 'archives')) };
}

function readZip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2) return reject(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            if (out.has(entry.fileName)) return reject(new Error(`duplicate entry ${entry.fileName}`));
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** `event: batch` messages of GET /events, collected as they arrive. */
async function batchEvents() {
  const controller = new AbortController();
  const res = await s.api('/api/v1/events', { signal: controller.signal });
  const events: BatchEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, cut).split('\n');
          buffer = buffer.slice(cut + 2);
          if (lines.includes('event: batch')) events.push(JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as BatchEvent);
        }
      }
    } catch {
      // closed
    }
  })();
  return { events, close: () => controller.abort() };
}

describe('a ZIP of 200 mixed files', () => {
  const originals = new Map<string, Buffer>(); // path in the archive → bytes, for the 200 that become uploads
  let accepted: BatchAccepted;
  let done: Batch;
  let live: Awaited<ReturnType<typeof batchEvents>>;

  beforeAll(async () => {
    const items: ZipItem[] = [];
    const add = (name: string, data: Buffer, compress = true) => {
      items.push({ name, data, compress });
      originals.set(name, data);
    };
    for (let i = 0; i < 12; i++) add(`Holidays/2023/beach-${i}.png`, await png(1000 + i, 32), false);
    add('Holidays/2024/camera.jpg', await jpegWithExif({ make: 'Canon', model: 'EOS R5', width: 160, height: 120 }), false);
    add('Holidays/2024/phone.jpg', await jpegWithExif({ make: 'Apple', model: 'iPhone 13', width: 160, height: 120, color: '#aa3355' }), false);
    for (let i = 0; i < 3; i++) add(`Work/Reports/report-${i}.pdf`, await pdfWithText([`Quarterly report number ${i} about invoices.`], `Report ${i}`));
    add('Music/tone.mp3', await mp3WithTags({ title: 'Tone', artist: 'Trove', album: 'Tests' }, 1), false);
    // Two different files under the same name and folder: the download must keep both.
    add('Work/same.txt', Buffer.from('The first file called same.txt.\n'));
    items.push({ name: 'Work/same.txt', data: Buffer.from('The second file called same.txt, other bytes.\n') });
    for (let i = 0; i < 180; i++) {
      const folder = ['Notes', 'Notes/Kitchen', 'Work/Letters', ''][i % 4];
      add(`${folder ? `${folder}/` : ''}note-${i}.${i % 5 === 0 ? 'md' : 'txt'}`, Buffer.from(`Note ${i}: ${randomBytes(12).toString('hex')} about the garden and the shopping list.\n`));
    }
    expect(originals.size).toBe(199); // + the second same.txt = 200 distinct files
    items.push({ name: 'Holidays/2024/copy-of-beach-0.png', data: originals.get('Holidays/2023/beach-0.png')!, compress: false });
    items.push({ name: 'Tools/setup.exe', data: randomBytes(2048) });
    items.push({ name: '__/__/evil.txt', data: Buffer.from('This must never be unpacked anywhere.\n') });
    const zip = renameEntry(await buildZip(items), '__/__/evil.txt', '../../evil.txt');

    live = await batchEvents();
    const res = await uploadZip(zip, 'Family library.zip');
    expect(res.status, JSON.stringify(res.body.error)).toBe(202);
    accepted = res.body.data;
    done = await settled(accepted.batch_id);
    // The last event says the batch is done.
    expect(await eventually(async () => live.events.some((e) => e.batch_id === accepted.batch_id && e.entry === null), 10_000)).toBe(true);
    live.close();
  }, 300_000);

  it('answers with a batch listing every entry, the skipped ones already known', () => {
    expect(accepted).toMatchObject({ archive_name: 'Family library.zip', state: 'extracting', damage: null, finished: false });
    expect(accepted.totals).toMatchObject({ entries: 203, skipped: 2, queued: 201 });
  });

  it('reports each entry: 200 done, the duplicate, the unsupported and the traversal name skipped with their codes', () => {
    expect(done.state).toBe('done');
    expect(done.totals).toEqual({ entries: 203, queued: 0, processing: 0, done: 200, duplicate: 1, skipped: 2, failed: 0 });
    const byPath = (p: string) => done.entries.filter((e) => e.path === p);
    const dup = byPath('Holidays/2024/copy-of-beach-0.png')[0]!;
    expect(dup.state).toBe('duplicate');
    expect(dup.upload_id).toBe(byPath('Holidays/2023/beach-0.png')[0]!.upload_id);
    expect(byPath('Tools/setup.exe')[0]).toMatchObject({ state: 'skipped', upload_id: null, reason: { code: 'UNSUPPORTED_FILE_TYPE' } });
    const evil = done.entries.find((e) => e.filename === 'evil.txt')!;
    expect(evil).toMatchObject({ state: 'skipped', folder: null, path: 'evil.txt', upload_id: null, reason: { code: 'ZIP_UNSAFE_PATH' } });
    expect(evil.reason!.message).toContain('../../evil.txt');
    expect(done.entries.map((e) => e.position)).toEqual([...Array(203).keys()]);
  });

  it('sent live batch events for the entries as they were read', () => {
    const mine = live.events.filter((e) => e.batch_id === accepted.batch_id && e.entry);
    // Every entry that was read (not skipped up front) got one.
    expect(new Set(mine.map((e) => e.entry!.position)).size).toBe(201);
    expect(mine.find((e) => e.entry!.state === 'duplicate')?.entry?.upload_id).toBeTruthy();
  });

  it('made uploads with their folders kept, and never wrote the traversal entry', async () => {
    const uploads = await allUploads();
    expect(uploads).toHaveLength(200);
    const key = (u: Upload) => (u.folder ? `${u.folder}/${u.filename}` : u.filename);
    expect(uploads.filter((u) => key(u) === 'Holidays/2023/beach-3.png')).toHaveLength(1);
    expect(uploads.find((u) => u.filename === 'camera.jpg')!.folder).toBe('Holidays/2024');
    expect(uploads.find((u) => u.filename === 'note-3.txt')!.folder).toBeNull();
    expect(uploads.find((u) => u.filename === 'note-1.txt')!.folder).toBe('Notes/Kitchen');
    expect(uploads.some((u) => u.filename === 'evil.txt')).toBe(false);
    expect(uploads.every((u) => u.processing_status === 'completed')).toBe(true);
    const stored = await s.storedTree();
    expect(stored.some((p) => p.includes('evil') || p.includes('..'))).toBe(false);
    await expect(fs.stat(path.resolve(s.dataDir, '..', '..', 'evil.txt'))).rejects.toThrow();
    expect(await listTree(path.join(s.tmpDir, 'archives'))).toEqual([]);
    // Another user cannot read the batch.
    expect((await call(s, `/api/v1/batches/${accepted.batch_id}`, { token: s.otherToken, code: 'NOT_FOUND' })).status).toBe(404);
  });

  it('downloads the 200 as one ZIP with the same bytes, names made unique, folders kept, foreign ids left out', async () => {
    const ids = done.entries.filter((e) => e.state === 'done').map((e) => e.upload_id!);
    const foreign = (await s.upload(Buffer.from('Someone else\'s private note.\n'), 'private-of-other.txt', { token: s.otherToken })).body.data.upload_id;
    const unknown = '3f1c9d2e-7a4b-4c8d-9e0f-112233445566';
    const res = await s.api(`/api/v1/download?ids=${[...ids, foreign, unknown, 'not-an-id'].join(',')}&name=My files`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="My files.zip"; filename*=UTF-8\'\'My%20files.zip');
    expect(res.headers.get('trove-missing-ids')).toBe([foreign, unknown, 'not-an-id'].join(','));
    const entries = await readZip(Buffer.from(await res.arrayBuffer()));
    expect(entries.size).toBe(201);
    for (const [name, bytes] of originals) {
      expect(entries.has(name), name).toBe(true);
      expect(sha256(entries.get(name)!), name).toBe(sha256(bytes));
    }
    expect(entries.get('Work/same (2).txt')!.toString()).toContain('The second file');
    const errors = entries.get('_errors.txt')!.toString();
    expect(errors).toContain(foreign);
    expect(errors).toContain(unknown);
    expect(errors).not.toContain('private-of-other');
    expect([...entries.keys()].some((n) => n.includes('private-of-other'))).toBe(false);
  });

  it('refuses too many ids with a stable code, and a request with only foreign ids', async () => {
    const many = Array.from({ length: 251 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const tooMany = await call(s, `/api/v1/download?ids=${many.join(',')}`, { code: 'DOWNLOAD_TOO_MANY_IDS' });
    expect([tooMany.status, tooMany.body.error?.code]).toEqual([400, 'DOWNLOAD_TOO_MANY_IDS']);
    const id = done.entries[0]!.upload_id!;
    const foreign = await call(s, `/api/v1/download?ids=${id}`, { token: s.otherToken, code: 'NOT_FOUND' });
    expect([foreign.status, foreign.body.error?.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('archives refused whole leave nothing behind', () => {
  const zeros = (n: number) => Buffer.alloc(n);
  /** About 30× compressible: long zero runs with a little noise, so no single entry trips the ratio. */
  const lowRatio = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 1024) randomBytes(24).copy(b, i);
    return b;
  };

  async function expectRefused(zip: Buffer, status: number, code: string) {
    const before = await footprint();
    const res = await uploadZip(zip, 'refused.zip');
    expect([res.status, res.body.error?.code], JSON.stringify(res.body.error)).toEqual([status, code]);
    expect(res.body.error!.message.length).toBeGreaterThan(30);
    await sleep(300);
    expect(await footprint()).toEqual(before);
    return res.body.error!;
  }

  it('an entry inflating far beyond its compressed size: 413 ZIP_RATIO_EXCEEDED, also when its header lies', async () => {
    const items = [{ name: 'first.png', data: await png(77, 32) }, { name: 'bomb.txt', data: zeros(6 * 1024 * 1024) }];
    const err = await expectRefused(await buildZip(items), 413, 'ZIP_RATIO_EXCEEDED');
    expect(err.message).toContain('bomb.txt');
    await expectRefused(lieAboutSize(await buildZip(items), 'bomb.txt', 1000), 413, 'ZIP_RATIO_EXCEEDED');
  });

  it('more entries than allowed: 413 ZIP_TOO_MANY_ENTRIES', async () => {
    const items = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => ({ name: `n/${i}.txt`, data: Buffer.from(`entry ${i}\n`) }));
    await expectRefused(await buildZip(items), 413, 'ZIP_TOO_MANY_ENTRIES');
  });

  it('more bytes in all than allowed: 413 ZIP_TOO_LARGE', async () => {
    const items = [{ name: 'first.png', data: await png(78, 32) }, ...Array.from({ length: 9 }, (_, i) => ({ name: `big-${i}.txt`, data: lowRatio(5 * 1024 * 1024) }))];
    await expectRefused(await buildZip(items), 413, 'ZIP_TOO_LARGE');
  });

  it('bytes that only start like a ZIP: 422 ZIP_INVALID; an archive of folders only: 400 ZIP_EMPTY', async () => {
    await expectRefused(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(4000)]), 422, 'ZIP_INVALID');
    await expectRefused(await buildZip([]), 400, 'ZIP_EMPTY');
  });
});

describe('entries listed, not followed', () => {
  it('nested archives, encrypted entries and unsafe names are skipped with their codes; the rest is kept', async () => {
    const inner = await buildZip([{ name: 'inside.txt', data: Buffer.from('Inside the inner archive.\n') }]);
    const secret = Buffer.from('A password-protected entry.\n');
    const unsafe = ['__/__/evil1.txt', '_etc/cron.d/evil2.txt', 'C__temp_evil3.txt'];
    let zip = await buildZip([
      { name: 'kept/ok.txt', data: Buffer.from('An ordinary entry that is kept.\n') },
      { name: 'inner.zip', data: inner, compress: false },
      { name: 'secret.txt', data: secret },
      ...unsafe.map((name, i) => ({ name, data: Buffer.from(`Unsafe entry ${i} must never be unpacked.\n`) })),
    ]);
    zip = markEncrypted(zip, 'secret.txt');
    zip = renameEntry(zip, '__/__/evil1.txt', '../../evil1.txt');
    zip = renameEntry(zip, '_etc/cron.d/evil2.txt', '/etc/cron.d/evil2.txt');
    zip = renameEntry(zip, 'C__temp_evil3.txt', 'C:\\temp\\evil3.txt');
    const res = await uploadZip(zip, 'mixed.zip');
    expect(res.status).toBe(202);
    const b = await settled(res.body.data.batch_id);
    const codes = Object.fromEntries(b.entries.map((e) => [e.path, e.reason?.code ?? e.state]));
    expect(codes).toEqual({
      'kept/ok.txt': 'done', 'inner.zip': 'ZIP_NESTED_ARCHIVE', 'secret.txt': 'ZIP_ENTRY_ENCRYPTED',
      'evil1.txt': 'ZIP_UNSAFE_PATH', 'etc/cron.d/evil2.txt': 'ZIP_UNSAFE_PATH', 'temp/evil3.txt': 'ZIP_UNSAFE_PATH',
    });
    expect(b.entries.filter((e) => e.state === 'skipped').every((e) => e.upload_id === null)).toBe(true);
    // None of the skipped bytes became an upload.
    for (const bytes of [inner, secret, Buffer.from('Inside the inner archive.\n'), ...unsafe.map((_, i) => Buffer.from(`Unsafe entry ${i} must never be unpacked.\n`))]) {
      expect((await s.api(`/api/v1/uploads/by-hash/${sha256(bytes)}`, { method: 'HEAD' })).status).toBe(404);
    }
  });

  it('a truncated archive keeps the entries before the damage and reports the rest', async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ name: `part/${i}.txt`, data: Buffer.from(`Entry ${i} of a cut-off archive. ${randomBytes(800).toString('hex')}\n`), compress: false }));
    const whole = await buildZip(items);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    const res = await uploadZip(cut, 'cut.zip');
    expect(res.status, JSON.stringify(res.body.error)).toBe(202);
    expect(res.body.data.damage?.code).toBe('ZIP_TRUNCATED');
    const b = await settled(res.body.data.batch_id);
    expect(b.damage!.message).toMatch(/damaged/);
    expect(b.entries.map((e) => e.path)).toEqual(['part/0.txt', 'part/1.txt', 'part/2.txt']);
    expect(b.entries.every((e) => e.state === 'done')).toBe(true);
  });

  it('takes a ZIP over tus too: the last PATCH names the batch', async () => {
    const zip = await buildZip([{ name: 'Resumable/one.txt', data: Buffer.from('One file that came over tus in an archive.\n') }]);
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const created = await s.api('/api/v1/tus', {
      method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(zip.length), 'Upload-Metadata': `filename ${b64('over-tus.zip')}` },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const last = await s.api(location, {
      method: 'PATCH', body: zip, headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    });
    expect(last.status).toBe(204);
    const batchId = last.headers.get('trove-batch-id')!;
    expect(batchId).toMatch(/^[0-9a-f-]{36}$/);
    const b = await settled(batchId);
    expect(b.entries).toMatchObject([{ path: 'Resumable/one.txt', folder: 'Resumable', state: 'done' }]);
    const result = await call<BatchAccepted>(s, `${location}/result`);
    expect(result.body.data.batch_id).toBe(batchId);
  });
});
