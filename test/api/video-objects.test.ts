/**
 * The built-in analysis end to end through the API, with the real offline models: a video of a dog
 * (a real photo, shown for 12 s) is described by what its frames show, and a search for the animal
 * finds it — nothing in its name or metadata says "dog".
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp4OfPicture } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let uploadId: string;

beforeAll(async () => {
  s = await startTestServer({ TROVE_EMBEDDER: 'hash' });
  const video = await mp4OfPicture(path.resolve(import.meta.dirname, '../fixtures/images/dog-husky.png'), 12);
  const { status, body } = await s.upload(video, 'clip-0042.mp4');
  expect(status).toBe(202);
  uploadId = body.data.upload_id;
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe('a video of a dog', () => {
  it('is labelled "dog" from its frames, with how many frames show it', async () => {
    const u = await s.waitForUpload(uploadId, { timeoutMs: 150_000 });
    expect(u.processing_status).toBe('completed');
    const objects = (u.metadata as { objects?: { label: string; score: number; frames?: number }[] }).objects ?? [];
    const dog = objects.find((o) => o.label === 'dog');
    expect(dog, JSON.stringify(objects)).toBeDefined();
    expect(dog!.frames).toBeGreaterThanOrEqual(1);
    // Named in the summary (plainly, or as "may show" under 0.5); a tag only when the detector is sure.
    expect(u.summary).toMatch(/\bdog\b/i);
    if (dog!.score >= 0.5) expect(u.tags).toContain('dog');
  }, 180_000);

  it('is found by searching for the animal', async () => {
    const { body } = await s.json<{ results: { upload_id: string }[] }>('/api/v1/search', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'dog' }),
    });
    expect(body.data.results.map((r) => r.upload_id)).toContain(uploadId);
  });
});
