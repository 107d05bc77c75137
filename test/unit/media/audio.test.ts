import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWaveform, readAudioInfo } from '../../../shared/node/media/audio.ts';
import { expectTroveError, ffmpeg, makeTempDir, regionStats, truncateCopy } from './fixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('audio'));
  await Promise.all([
    ffmpeg([
      '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-c:a', 'libmp3lame', '-b:a', '64k',
      '-metadata', 'title=Test Tone', '-metadata', 'artist=The Trove Band', '-metadata', 'album=Unit Tests',
      '-metadata', 'genre=Electronic', '-metadata', 'date=2021', '-metadata', 'track=3',
      file('tagged.mp3'),
    ]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=220:duration=2', '-ac', '2', '-ar', '48000', file('stereo.wav')]),
    // ffmpeg writes an MP3 comment as TXXX:comment, which is not a real comment frame; FLAC's COMMENT is.
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:duration=2', '-c:a', 'flac', '-metadata', 'comment=Made by ffmpeg', file('tone.flac')]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=550:duration=3', '-c:a', 'aac', '-f', 'adts', file('raw.aac')]),
    writeFile(file('garbage.mp3'), 'these are words, not sound. '.repeat(100)),
  ]);
  await truncateCopy(file('tagged.mp3'), file('half.mp3'));
});
afterAll(() => cleanup());

describe('readAudioInfo', () => {
  it('reads format details and ID3 tags from an MP3', async () => {
    const info = await readAudioInfo(file('tagged.mp3'));
    expect(info).toMatchObject({ sampleRate: 44100, channels: 1, bitrate: 64000 });
    expect(info.codec).toMatch(/MPEG 1 Layer 3/);
    expect(info.durationSec).toBeGreaterThan(3.9);
    expect(info.durationSec).toBeLessThan(4.2);
    expect(info.tags).toEqual({
      title: 'Test Tone',
      artist: 'The Trove Band',
      album: 'Unit Tests',
      genre: ['Electronic'],
      year: 2021,
      date: '2021',
      track: 3,
    });
  });

  it('reads WAV and FLAC', async () => {
    expect(await readAudioInfo(file('stereo.wav'))).toMatchObject({ sampleRate: 48000, channels: 2, tags: {} });
    const flac = await readAudioInfo(file('tone.flac'));
    expect(flac.codec).toBe('FLAC');
    expect(flac.tags.comment).toEqual(['Made by ffmpeg']);
    expect(flac.durationSec).toBeCloseTo(2, 1);
  });

  it('asks ffprobe for the duration when music-metadata has none (raw ADTS AAC)', async () => {
    const info = await readAudioInfo(file('raw.aac'));
    expect(info.codec).toMatch(/AAC/i);
    expect(info.durationSec).toBeGreaterThan(2.5);
    expect(info.durationSec).toBeLessThan(3.5);
  });

  it('still reads what is left of a truncated MP3', async () => {
    const info = await readAudioInfo(file('half.mp3'));
    expect(info.sampleRate).toBe(44100);
  });

  it('reports text named .mp3 as CORRUPT_FILE', async () => {
    await expectTroveError(readAudioInfo(file('garbage.mp3')), 'CORRUPT_FILE');
  });
});

describe('makeWaveform', () => {
  it('writes a decodable PNG of the requested size, atomically', async () => {
    const out = file('wave.png');
    await makeWaveform(file('tagged.mp3'), out, { width: 400, height: 120 });
    expect(existsSync(`${out}.tmp`)).toBe(false);
    const meta = await sharp(out).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 400, height: 120, hasAlpha: true });
    // Something was drawn: a tone fills the middle band with opaque waveform pixels.
    const middle = await regionStats(out, { left: 0, top: 50, width: 400, height: 20 });
    expect(middle[3]!.max).toBe(255);
    // …and the background stays transparent: the 440 Hz tone at -18 dB does not reach the top rows.
    const top = await regionStats(out, { left: 0, top: 0, width: 400, height: 4 });
    expect(top[3]!.max).toBe(0);
  });

  it('defaults to 600×300', async () => {
    await makeWaveform(file('stereo.wav'), file('wave-default.png'));
    expect(await sharp(file('wave-default.png')).metadata()).toMatchObject({ width: 600, height: 300 });
  });

  it('reports garbage as CORRUPT_FILE and writes nothing', async () => {
    await expectTroveError(makeWaveform(file('garbage.mp3'), file('bad.png')), 'CORRUPT_FILE');
    expect(existsSync(file('bad.png'))).toBe(false);
  });
});
