import { afterAll, describe, expect, it } from 'vitest';
import { HashEmbedder } from '../../server/analysis/hash-embedder.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * A change of embedding model: vectors of the old model are never compared with the new one's;
 * the server re-embeds existing files in the background and search finds them again.
 */
let t: TestServer | undefined;
afterAll(() => t?.close());

describe('embedding model change', () => {
  it('re-embeds completed uploads with the new model after a restart', async () => {
    t = await startTestServer({ TROVE_EMBEDDER: 'hash' });
    const { body } = await t.upload(Buffer.from('Minutes of the lighthouse keepers guild, autumn meeting.'), 'guild.txt');
    const first = await t.waitForUpload(body.data.upload_id);
    expect(first.embedding_model).toBe(new HashEmbedder().model);
    const dataDir = t.dataDir;
    await t.server.close();

    // Same data dir, the default (semantic) model.
    t = await startTestServer({ TROVE_DATA_DIR: dataDir });
    await expect.poll(async () => (await t!.json<{ embedding_model: string }>(`/api/v1/file/${first.id}/metadata`)).body.data.embedding_model,
      { timeout: 60_000, interval: 250 }).toBe('use-lite-512');
    const search = await t.json<{ results: { upload_id: string }[] }>('/api/v1/search', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'lighthouse keepers' }),
    });
    expect(search.body.data.results.map((r) => r.upload_id)).toContain(first.id);
  }, 120_000);
});
