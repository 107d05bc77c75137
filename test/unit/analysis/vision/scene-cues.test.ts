import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourName, sceneCues } from '../../../../server/analysis/vision/scene-cues.ts';

const fixtures = new URL('../../../fixtures/images/', import.meta.url);
let dir: string;

async function solid(name: string, background: string, width = 200, height = 150): Promise<string> {
  const path = join(dir, name);
  await sharp({ create: { width, height, channels: 3, background } }).png().toFile(path);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trove-scene-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('sceneCues', () => {
  it('names a solid orange picture "orange"', async () => {
    const cues = await sceneCues(await solid('orange.png', '#ff8c00'));
    expect(cues.colours).toEqual([{ name: 'orange', share: 1 }]);
    expect(cues.brightness).toBe('normal');
  });

  it('reports the top colours of a two-colour picture with their shares', async () => {
    const path = join(dir, 'sky.png');
    const sea = await sharp({ create: { width: 200, height: 50, channels: 3, background: '#1e5bc6' } }).png().toBuffer();
    await sharp({ create: { width: 200, height: 150, channels: 3, background: '#ff7a1a' } })
      .composite([{ input: sea, top: 100, left: 0 }])
      .png()
      .toFile(path);
    const cues = await sceneCues(path);
    expect(cues.colours.map((c) => c.name)).toEqual(['orange', 'blue']);
    expect(cues.colours[0]!.share).toBeCloseTo(0.67, 1);
  });

  it('calls a black picture dark, and dark at 23:00 night', async () => {
    const path = await solid('night.png', '#0b0d14');
    const cues = await sceneCues(path, { exif: { takenAt: '2021-08-01T23:12:00' } });
    expect(cues).toMatchObject({ brightness: 'dark', night: true });
    expect(cues.colours[0]!.name).toBe('black');
    expect((await sceneCues(path, { exif: { takenAt: '2021-08-01T13:12:00' } })).night).toBe(false);
  });

  it('calls a white picture bright', async () => {
    const cues = await sceneCues(await solid('white.png', '#fafafa'));
    expect(cues).toMatchObject({ brightness: 'bright', colours: [{ name: 'white', share: 1 }] });
  });

  it('describes a real photo: the husky cut-out is mostly white and grey', async () => {
    const cues = await sceneCues(new URL('dog-husky.png', fixtures).pathname);
    expect(cues.colours[0]!.name).toBe('white');
    expect(cues.colours.map((c) => c.name)).toContain('grey');
    expect(cues.brightness).toBe('bright');
  });

  it('names basic colours', () => {
    expect(colourName(220, 30, 30)).toBe('red');
    expect(colourName(250, 220, 40)).toBe('yellow');
    expect(colourName(40, 160, 60)).toBe('green');
    expect(colourName(40, 80, 200)).toBe('blue');
    expect(colourName(120, 50, 170)).toBe('purple');
    expect(colourName(250, 150, 190)).toBe('pink');
    expect(colourName(110, 70, 40)).toBe('brown');
    expect(colourName(128, 128, 128)).toBe('grey');
    expect(colourName(5, 5, 5)).toBe('black');
    expect(colourName(255, 255, 255)).toBe('white');
  });
});
