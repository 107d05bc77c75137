// The real models on real photos, through the worker exactly as the server will use them.
// Models load once for the whole file (one shared worker).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVisionAnalyzers, type VisionAnalyzers } from '../../../../server/analysis/vision/index.ts';

const fixtures = new URL('../../../fixtures/images/', import.meta.url);
const people = new URL('people-group.jpg', fixtures).pathname;
const dog = new URL('dog-husky.png', fixtures).pathname;
const log = { warn: vi.fn(), debug: vi.fn() };

let vision: VisionAnalyzers;
let dir: string;
let gradient: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trove-vision-'));
  gradient = join(dir, 'gradient.png');
  const w = 320;
  const h = 240;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.fill(Math.round((x / (w - 1)) * 255), (y * w + x) * 3, (y * w + x) * 3 + 3);
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(gradient);
  vision = createVisionAnalyzers(log);
});

afterAll(async () => {
  await vision.close();
  await rm(dir, { recursive: true, force: true });
});

describe('object detection (centernet, in the vision worker)', () => {
  it('finds people in a real group photo', async () => {
    const started = performance.now();
    const objects = await vision.detector.detect(people);
    console.info(`first detect incl. worker start + model load: ${Math.round(performance.now() - started)} ms`);
    const person = objects.find((o) => o.label === 'person');
    expect(person, JSON.stringify(objects)).toBeDefined();
    expect(person!.score).toBeGreaterThanOrEqual(0.3);
    expect((person as { count?: number }).count).toBeGreaterThanOrEqual(3);
    expect(vision.detector.model).toBe('centernet-coco80');
  });

  it('labels a real photo of a dog "animal": at its score (0.42) the species is more often wrong than right', async () => {
    const objects = await vision.detector.detect(dog);
    expect(objects.map((o) => o.label)).toContain('animal');
    expect(objects.map((o) => o.label)).not.toContain('dog');
    expect(objects.every((o) => o.score >= 0.3)).toBe(true);
    expect(new Set(objects.map((o) => o.label)).size).toBe(objects.length); // one entry per label
  });

  it('finds the face in a real portrait, and how much of the picture it covers', async () => {
    // eval/corpus/file001.jpg: NASA's portrait of astronaut Eileen Collins (public domain, see its SOURCES.md).
    const portrait = new URL('../../../../eval/corpus/file001.jpg', import.meta.url).pathname;
    const face = (await vision.detector.detect(portrait)).find((o) => o.label === 'face');
    expect(face).toMatchObject({ count: 1 });
    expect(face!.score).toBeGreaterThanOrEqual(0.75);
    expect(face!.share).toBeGreaterThan(0.03);
    expect((await vision.detector.detect(dog)).map((o) => o.label)).not.toContain('face');
  });

  it('finds nothing in a plain gradient', async () => {
    expect(await vision.detector.detect(gradient)).toEqual([]);
  });

  it('keeps the event loop responsive while detecting 10 images', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    for (let i = 0; i < 10; i++) await vision.detector.detect(i % 2 === 0 ? people : dog);
    delay.disable();
    const perImage = (performance.now() - started) / 10;
    const maxDelayMs = delay.max / 1e6;
    console.info(`detect: ${perImage.toFixed(0)} ms/image; worker-side ${vision.host.stats.lastMs.detect?.toFixed(0)} ms; max event-loop delay ${maxDelayMs.toFixed(1)} ms`);
    expect(maxDelayMs).toBeLessThan(150); // a model call on this thread would block it for 250+ ms
  });
});

describe('NSFW classifier (nsfwjs, in the vision worker)', () => {
  it('does not flag a gradient, a dog or a party photo', async () => {
    const started = performance.now();
    const g = await vision.nsfw.classify(gradient);
    console.info(`first nsfw incl. model load: ${Math.round(performance.now() - started)} ms`);
    expect(g.nsfw).toBe(false);
    expect(g.score).toBeLessThan(0.5);
    const t = performance.now();
    const d = await vision.nsfw.classify(dog);
    console.info(`nsfw: ${Math.round(performance.now() - t)} ms/image; worker-side ${vision.host.stats.lastMs.nsfw?.toFixed(0)} ms`);
    expect(d).toMatchObject({ nsfw: false });
    expect(d.score).toBeLessThan(0.2);
    // Party dresses score high on "sexy" (~0.7): reported, but below the conservative flag.
    const p = await vision.nsfw.classify(people);
    expect(p.nsfw).toBe(false);
    expect(p.score).toBeGreaterThan(0.3);
  });

  it("reports the model's drawing class: high for a drawn fire truck, low for photos", async () => {
    const drawn = new URL('firetruck-drawing.png', fixtures).pathname;
    expect((await vision.nsfw.classify(drawn)).drawing).toBeGreaterThanOrEqual(0.45);
    expect((await vision.nsfw.classify(dog)).drawing).toBeLessThan(0.45);
    expect((await vision.nsfw.classify(people)).drawing).toBeLessThan(0.45);
  });
});

describe('degrading gracefully', () => {
  it('an unreadable picture yields empty results and one warning, then the analyzer keeps working', async () => {
    log.warn.mockClear();
    const missing = join(dir, 'does-not-exist.jpg');
    await expect(vision.detector.detect(missing)).resolves.toEqual([]);
    await expect(vision.detector.detect(missing)).resolves.toEqual([]);
    await expect(vision.nsfw.classify(missing)).resolves.toEqual({ nsfw: false, score: 0 });
    expect(log.warn).toHaveBeenCalledTimes(2); // once per analyzer
    expect((await vision.detector.detect(dog)).map((o) => o.label)).toContain('animal');
  });

  it('a missing model package turns that analyzer off with one warning, without starting a worker', async () => {
    const warn = vi.fn();
    const off = createVisionAnalyzers({ warn, debug: vi.fn() }, { requiredPackages: { detector: ['no-such-vision-package'] } });
    expect(await off.detector.detect(people)).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[1])).toMatch(/object detection is off/);
    expect(off.host.stats.started).toBe(0);
    await off.close();
  });
});
