/**
 * `trove add archive.zip`: the real CLI (bin/trove.js) sends the ZIP as one archive and prints what
 * the server made of its entries — added with their folders, skipped with the reason — and exits 1
 * when an entry failed.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, UploadList } from '../../shared/api/schemas.ts';
import { trove } from '../helpers/cli.ts';
import { png } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { buildZip } from '../helpers/zip-builder.ts';

describe('trove add <archive.zip>', () => {
  let server: TestServer;
  let root: string;

  beforeAll(async () => {
    [server, root] = await Promise.all([startTestServer({ TROVE_EMBEDDER: 'hash' }), fs.mkdtemp(path.join(os.tmpdir(), 'trove-cli-zip-'))]);
  });
  afterAll(async () => {
    await server?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('uploads the archive once, waits for its entries and prints the batch summary', async () => {
    const zip = await buildZip([
      { name: 'Trip/Day 1/notes.txt', data: Buffer.from('Day one: we crossed the fjord with a theodolite.\n') },
      { name: 'Trip/photo.png', data: await png(4242, 32), compress: false },
      { name: 'Trip/tool.exe', data: Buffer.from('MZ not really a program') },
      { name: 'inner.zip', data: await buildZip([{ name: 'x.txt', data: Buffer.from('x') }]) },
    ]);
    const file = path.join(root, 'trip.zip');
    await fs.writeFile(file, zip);

    const run = await trove(['add', file, '--wait'], { TROVE_URL: server.url, TROVE_TOKEN: server.token });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/archive {2}\S*trip\.zip: 4 entries — 2 added, 0 already in Trove, 2 skipped, 0 failed/);
    expect(run.stdout).toContain('Trip/tool.exe: UNSUPPORTED_FILE_TYPE');
    expect(run.stdout).toContain('inner.zip: ZIP_NESTED_ARCHIVE');
    expect(run.stdout).toContain('1 archive unpacked');

    const { body } = await server.json<UploadList>('/api/v1/uploads?limit=10');
    expect(body.data.uploads.map((u) => [u.folder, u.filename]).sort()).toEqual([['Trip', 'photo.png'], ['Trip/Day 1', 'notes.txt']]);

    const json = await trove(['add', file, '--json'], { TROVE_URL: server.url, TROVE_TOKEN: server.token });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { archives: (Batch & { path: string })[] };
    expect(out.archives).toHaveLength(1);
    expect(out.archives[0]!.totals).toMatchObject({ entries: 4, duplicate: 2, skipped: 2 });
  });
});
