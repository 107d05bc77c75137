/**
 * An archive whose reading is cut short by the server stopping: the batch settles as interrupted,
 * its unread entries failed with PROCESSING_INTERRUPTED (never "queued" for ever), the entries read
 * before kept — also after the server starts again on the same data folder.
 */
import fs from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Batch, BatchAccepted } from '../../shared/api/schemas.ts';
import { eventually } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { buildZip } from '../helpers/zip-builder.ts';

let s: TestServer | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await s?.close();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe('an archive interrupted by a shutdown', () => {
  it('settles: read entries kept, the rest failed with PROCESSING_INTERRUPTED', async () => {
    const first = await startTestServer({ TROVE_EMBEDDER: 'hash' });
    dataDir = first.dataDir;
    const items = Array.from({ length: 150 }, (_, i) => ({ name: `Many/${i}.txt`, data: Buffer.from(`Entry ${i} of an archive cut short by a shutdown.\n`) }));
    const res = await first.upload(await buildZip(items), 'many.zip');
    expect(res.status).toBe(202);
    const batchId = (res.body.data as unknown as BatchAccepted).batch_id;
    // Stop at once: the reading in the background stops after the entry it is on.
    await first.server.close();

    s = await startTestServer({ TROVE_EMBEDDER: 'hash', TROVE_DATA_DIR: dataDir });
    const restarted = s;
    const read = async () => {
      const { status, body } = await restarted.json<Batch>(`/api/v1/batches/${batchId}`);
      expect(status).toBe(200);
      return body.data;
    };
    // At once the batch is interrupted; the entries read before the stop are uploads the restarted
    // server still processes (queued, then done), so "finished" comes when that processing has.
    expect((await read()).state).toBe('interrupted');
    expect(await eventually(async () => (await read()).finished, 120_000, 250)).toBe(true);
    const b = await read();
    expect(b.state).toBe('interrupted');
    expect(b.totals.queued).toBe(0);
    const failed = b.entries.filter((e) => e.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.reason?.code === 'PROCESSING_INTERRUPTED')).toBe(true);
    // Entries read before the stop stay uploads; each failed one is not.
    expect(b.totals.entries).toBe(150);
    expect(b.entries.filter((e) => e.upload_id !== null).length).toBe(150 - failed.length);
  });
});
