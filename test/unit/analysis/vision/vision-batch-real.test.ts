/**
 * Batches through the real vision worker and models: requests that queue up while the worker is
 * busy (as when two files are processed side by side) go to it in one call, and every picture's
 * answer is the one it gets alone — the same objects, the same NSFW verdict (NSFW runs as one
 * batch tensor through MobileNetV2; its scores are compared to the third decimal they are stored
 * with). A picture that cannot be decoded fails alone inside a batch.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VisionWorkerHost } from '../../../../server/analysis/vision/vision-worker-host.ts';
import type { NsfwResult, VisionObject } from '../../../../server/analysis/vision/vision-types.ts';

const FIXTURES = path.join(import.meta.dirname, '../../../fixtures/images');
let dir: string;
let pictures: string[];
let broken: string;
let host: VisionWorkerHost;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-vision-batch-'));
  const sky = path.join(dir, 'sky.jpg');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7bd5' } }).jpeg().toFile(sky);
  const flipped = path.join(dir, 'people-flipped.jpg');
  await sharp(path.join(FIXTURES, 'people-group.jpg')).flop().jpeg().toFile(flipped);
  broken = path.join(dir, 'broken.jpg');
  await fs.writeFile(broken, Buffer.from('not a picture at all'));
  pictures = [path.join(FIXTURES, 'people-group.jpg'), path.join(FIXTURES, 'dog-husky.png'), sky, flipped];
  host = new VisionWorkerHost({ workers: 1 });
});

afterAll(async () => {
  await host?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('vision batches (real models, real worker)', () => {
  it('NSFW: a batch gives each picture the verdict it gets alone', async () => {
    const alone: NsfwResult[] = [];
    for (const p of pictures) alone.push(await host.classifyNsfw(p));
    const before = host.stats.batches;
    // The first request takes the worker; the rest queue behind it and go together.
    const together = await Promise.all(pictures.map((p) => host.classifyNsfw(p)));
    expect(host.stats.batches).toBe(before + 1);
    together.forEach((r, i) => {
      expect(r.nsfw).toBe(alone[i]!.nsfw);
      // Every probability it reports (the score, and any other class it carries) within a rounding step.
      const one = alone[i]! as unknown as Record<string, unknown>;
      expect(Object.keys(r).sort()).toEqual(Object.keys(one).sort());
      for (const [key, value] of Object.entries(r)) {
        if (typeof value === 'number') expect(Math.abs(value - (one[key] as number))).toBeLessThanOrEqual(0.002);
      }
    });
    expect(together.every((r) => r.score >= 0 && r.score <= 1)).toBe(true);
  }, 180_000);

  it('objects: a batch gives each picture the objects it gets alone', async () => {
    const alone: VisionObject[][] = [];
    for (const p of pictures) alone.push(await host.detect(p));
    // Real pictures, real findings: people in the group photo, an animal in the husky picture (its
    // "dog" at 0.42 is too weak to name the species: label-calibration.ts), nothing in the sky.
    expect(alone[0]!.map((o) => o.label)).toContain('person');
    expect(alone[1]!.map((o) => o.label)).toContain('animal');
    expect(alone[2]).toEqual([]);
    const before = host.stats.batches;
    const together = await Promise.all(pictures.map((p) => host.detect(p)));
    expect(host.stats.batches).toBe(before + 1);
    expect(together).toEqual(alone);
  }, 180_000);

  it('a picture that cannot be decoded fails alone inside a batch', async () => {
    const before = host.stats.batches;
    const results = await Promise.allSettled([pictures[0]!, broken, pictures[1]!, broken, pictures[2]!].map((p) => host.classifyNsfw(p)));
    expect(host.stats.batches).toBe(before + 1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    const objects = await Promise.allSettled([pictures[0]!, broken, pictures[1]!].map((p) => host.detect(p)));
    expect(objects.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  }, 180_000);
});
