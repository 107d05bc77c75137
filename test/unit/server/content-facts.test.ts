/**
 * When a file's content was made and by which camera, as search filters and facets read them:
 * from the metadata real media give (EXIF of a JPEG, a PDF's CreationDate, an MP3's date tag, a
 * video's creation_time), the dates that mean "never set", and the migration that fills both
 * columns for files processed before it (real PGlite, migrations run one by one).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraName, contentFacts, parseContentDate } from '../../../server/db/content-facts.ts';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import * as m1 from '../../../server/db/migrations/0001_initial.ts';
import * as m2 from '../../../server/db/migrations/0002_inline_embeddings.ts';
import * as m3 from '../../../server/db/migrations/0003_event_log.ts';
import * as m4 from '../../../server/db/migrations/0004_cloud_analysis.ts';
import * as m5 from '../../../server/db/migrations/0005_content_date.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';
import { probeMedia, readAudioInfo, readImageInfo, readPdf } from '../../../shared/node/media/index.ts';
import { pdfWithText } from '../../helpers/media.ts';
import { ffmpeg, makeTempDir } from '../media/fixtures.ts';

const NOW = Date.parse('2026-05-20T10:00:00Z');

describe('parseContentDate', () => {
  it.each([
    ['2021-06-15T14:30:00', '2021-06-15T14:30:00.000Z'], // EXIF wall clock, no offset: read as UTC
    ['2021-06-15T14:30:00+02:00', '2021-06-15T12:30:00.000Z'],
    ['2021-06-15T14:30:00.000000Z', '2021-06-15T14:30:00.000Z'], // ffprobe's creation_time
    ['2019-05-04', '2019-05-04T00:00:00.000Z'],
    ['2019-05', '2019-05-01T00:00:00.000Z'],
    ['2019', '2019-01-01T00:00:00.000Z'],
    [2018, '2018-01-01T00:00:00.000Z'],
    ['2021-06-15 14:30:00', '2021-06-15T14:30:00.000Z'],
  ])('%j → %s', (value, expected) => {
    expect(parseContentDate(value, NOW)?.toISOString()).toBe(expected);
  });

  it.each([
    '1904-01-01T00:00:00.000000Z', '1970-01-01T00:00:00Z', // clocks never set (QuickTime, Unix)
    '2031-01-01', '1700-01-01', 'yesterday', '', 'not a date', '2019-13-45', '0000-00-00', 2019.5, null, {}, [],
  ])('%j → null', (value) => {
    expect(parseContentDate(value, NOW)).toBeNull();
  });
});

describe('cameraName', () => {
  it('names the camera once', () => {
    expect(cameraName('Canon', 'Canon EOS R5')).toBe('Canon EOS R5');
    expect(cameraName('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON D750');
    expect(cameraName('Apple', 'iPhone 12')).toBe('Apple iPhone 12');
    expect(cameraName('  FUJIFILM ', undefined)).toBe('FUJIFILM');
    expect(cameraName(undefined, 'X100V')).toBe('X100V');
    expect(cameraName('', 7)).toBeNull();
  });
});

describe('contentFacts from what real files carry', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('facts'));
  });
  afterAll(() => cleanup());

  it('a JPEG: its EXIF capture time and camera', async () => {
    const file = path.join(dir, 'photo.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).jpeg()
      .withExif({ IFD0: { Make: 'Canon', Model: 'Canon EOS R5' }, IFD2: { DateTimeOriginal: '2019:07:14 12:00:00' } }).toFile(file);
    const facts = contentFacts({ ...(await readImageInfo(file)) }, NOW);
    expect(facts).toEqual({ contentDate: new Date('2019-07-14T12:00:00Z'), camera: 'Canon EOS R5' });
  });

  it('a PDF: its creation date', async () => {
    const file = path.join(dir, 'report.pdf');
    const doc = await PDFDocument.load(await pdfWithText(['Annual report'], 'Report'));
    doc.setCreationDate(new Date('2019-05-04T08:00:00Z'));
    await fs.writeFile(file, await doc.save());
    const { text: _text, ...metadata } = await readPdf(file);
    expect(contentFacts(metadata, NOW)).toEqual({ contentDate: new Date('2019-05-04T08:00:00Z'), camera: null });
  });

  it('an MP3: its tagged recording date', async () => {
    const file = path.join(dir, 'memo.mp3');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-metadata', 'date=2018-06-01', file]);
    expect(contentFacts({ ...(await readAudioInfo(file)) }, NOW).contentDate?.toISOString()).toBe('2018-06-01T00:00:00.000Z');
  });

  it('a video: its creation_time, and a phone\'s make and model', async () => {
    const file = path.join(dir, 'clip.mp4');
    await ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc=duration=1:size=160x120:rate=5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
      '-metadata', 'creation_time=2020-08-01T17:45:00Z', file,
    ]);
    expect(contentFacts({ ...(await probeMedia(file)) }, NOW)).toEqual({ contentDate: new Date('2020-08-01T17:45:00Z'), camera: null });
    expect(contentFacts({ tags: { 'com.apple.quicktime.make': 'Apple', 'com.apple.quicktime.model': 'iPhone 12' } }, NOW).camera).toBe('Apple iPhone 12');
  });

  it('a file that says nothing, or nonsense: no date, no camera', () => {
    expect(contentFacts({}, NOW)).toEqual({ contentDate: null, camera: null });
    expect(contentFacts({ exif: 'broken', tags: [1, 2], created: 42_000 }, NOW)).toEqual({ contentDate: null, camera: null });
    // A later candidate is used when the first is never-set.
    expect(contentFacts({ tags: { creation_time: '1970-01-01T00:00:00Z', date: '2011' } }, NOW).contentDate?.toISOString()).toBe('2011-01-01T00:00:00.000Z');
  });
});

describe('migration 0005 fills content_date and camera for files processed before it', () => {
  let dataDir: string;
  let database: Database;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-facts-db-'));
    database = await openDatabase({ dataDir });
  });
  afterAll(async () => {
    await database?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('from each row\'s metadata, else the time it was added', async () => {
    const db = database.db as unknown as Kysely<unknown>;
    for (const m of [m1, m2, m3, m4]) await m.up(db);
    const userId = (await ensureUser(database.db, 'local:owner')).id;
    const added = '2026-01-02T03:04:05.000Z';
    const rows = {
      photo: { exif: { takenAt: '2019-07-14T12:00:00', make: 'Canon', model: 'Canon EOS R5' } },
      pdf: { created: '2019-05-04T08:00:00.000Z', title: 'Report' },
      song: { tags: { year: 2001, title: 'Song' } },
      plain: { characters: 12 },
      empty: {},
    };
    const ids: Record<string, string> = {};
    for (const [name, metadata] of Object.entries(rows)) {
      ids[name] = randomUUID();
      await sql`INSERT INTO uploads (id, user_id, storage_uri, original_filename, file_type, file_size, mime_type, file_hash, metadata, user_metadata, created_at)
        VALUES (${ids[name]}, ${userId}, ${`k/${name}`}, ${name}, 'document', 1, 'text/plain', ${randomUUID()}, ${JSON.stringify(metadata)}::jsonb, '{}'::jsonb, ${added})`.execute(db);
    }
    await m5.up(db);
    const { rows: got } = await sql<{ id: string; content_date: Date; camera: string | null }>`SELECT id, content_date, camera FROM uploads`.execute(db);
    const byName = Object.fromEntries(Object.entries(ids).map(([name, id]) => {
      const row = got.find((r) => r.id === id)!;
      return [name, { date: new Date(row.content_date).toISOString(), camera: row.camera }];
    }));
    expect(byName).toEqual({
      photo: { date: '2019-07-14T12:00:00.000Z', camera: 'Canon EOS R5' },
      pdf: { date: '2019-05-04T08:00:00.000Z', camera: null },
      song: { date: '2001-01-01T00:00:00.000Z', camera: null },
      plain: { date: added, camera: null },
      empty: { date: added, camera: null },
    });
    // New rows get the time they were added until processing says otherwise.
    const fresh = randomUUID();
    await sql`INSERT INTO uploads (id, user_id, storage_uri, original_filename, file_type, file_size, mime_type, file_hash, metadata, user_metadata)
      VALUES (${fresh}, ${userId}, 'k/fresh', 'fresh', 'document', 1, 'text/plain', ${randomUUID()}, '{}'::jsonb, '{}'::jsonb)`.execute(db);
    const { rows: [row] } = await sql<{ same: boolean }>`SELECT content_date = created_at AS same FROM uploads WHERE id = ${fresh}`.execute(db);
    expect(row!.same).toBe(true);
    await m5.down(db);
    await m5.up(db);
  });
});
