import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioTrack, extractFrames, extractFramesAndPreview, makeVideoPreview, probeMedia } from '../../../shared/node/media/video.ts';
import { ffmpegPath, runTool } from '../../../shared/node/media/tools.ts';
import { expectTroveError, ffmpeg, makeTempDir, makeTestVideo, truncateCopy } from './fixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('video'));
  await Promise.all([makeTestVideo(file('long.mp4'), 25), makeTestVideo(file('short.mp4'), 5, { audio: false })]);
  await Promise.all([
    truncateCopy(file('long.mp4'), file('truncated.mp4')),
    // Phones store portrait video as landscape pixels plus a rotation flag.
    ffmpeg(['-i', file('short.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', file('rotated.mp4')]),
    ffmpeg(['-ss', '0', '-i', file('long.mp4'), '-frames:v', '1', file('at-0s.png')]),
    ffmpeg(['-ss', '5', '-i', file('long.mp4'), '-frames:v', '1', file('at-5s.png')]),
    ffmpeg(['-ss', '10', '-i', file('long.mp4'), '-frames:v', '1', file('at-10s.png')]),
    ffmpeg(['-ss', '20', '-i', file('long.mp4'), '-frames:v', '1', file('at-20s.png')]),
    writeFile(file('notes.mp4'), 'definitely not a video\n'),
  ]);
});
afterAll(() => cleanup());

/** Mean absolute grey-level difference of two images at 160×120. */
async function imageDistance(a: string, b: string): Promise<number> {
  const grey = (p: string) => sharp(p).resize(160, 120, { fit: 'fill' }).greyscale().raw().toBuffer();
  const [x, y] = await Promise.all([grey(a), grey(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

describe('probeMedia', () => {
  it('describes a video with audio', async () => {
    const probe = await probeMedia(file('long.mp4'));
    expect(probe).toMatchObject({ hasVideo: true, hasAudio: true, width: 320, height: 240, videoCodec: 'h264', audioCodec: 'aac', frameRate: 10 });
    expect(probe.formatName).toContain('mp4');
    expect(probe.durationSec).toBeGreaterThan(24.5);
    expect(probe.durationSec).toBeLessThan(25.5);
    expect(probe.bitRate).toBeGreaterThan(0);
  });

  it('reports display dimensions and a rotation that matches how ffmpeg shows the video', async () => {
    const probe = await probeMedia(file('rotated.mp4'));
    expect(probe).toMatchObject({ width: 240, height: 320, hasAudio: false });
    // ffmpeg 4.1 stores `rotate=90` under -c copy as a matrix it reads back as 270° clockwise, so instead of
    // trusting the tag we check that turning the stored picture by `rotation` gives what ffmpeg displays.
    expect([90, 270]).toContain(probe.rotation);
    const [shown] = await extractFrames(file('rotated.mp4'), file('frames-rotated'));
    await sharp(file('at-0s.png')).rotate(probe.rotation).toFile(file('rotated-by-probe.png'));
    await sharp(file('at-0s.png')).rotate(360 - probe.rotation!).toFile(file('rotated-the-other-way.png'));
    const right = await imageDistance(shown!, file('rotated-by-probe.png'));
    const wrong = await imageDistance(shown!, file('rotated-the-other-way.png'));
    expect(right).toBeLessThan(wrong / 2);
  });

  it('reports a truncated MP4 as CORRUPT_FILE', async () => {
    const err = await expectTroveError(probeMedia(file('truncated.mp4')), 'CORRUPT_FILE');
    expect((err.details as { stderr: string }).stderr).toMatch(/moov atom not found|Invalid data/);
  });

  it('reports text as CORRUPT_FILE', async () => {
    await expectTroveError(probeMedia(file('notes.mp4')), 'CORRUPT_FILE');
  });
});

describe('extractFrames', () => {
  it('takes one frame every 10 s starting at t=0: 3 from a 25 s video', async () => {
    const out = file('frames-long');
    const frames = await extractFrames(file('long.mp4'), out);
    expect(frames).toEqual([1, 2, 3].map((n) => join(out, `frame-000${n}.jpg`)));
    const meta = await sharp(frames[0]).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    // testsrc draws a moving pattern and counter, so the first frame must look like t=0, not t=5.
    const toStart = await imageDistance(frames[0]!, file('at-0s.png'));
    const toFive = await imageDistance(frames[0]!, file('at-5s.png'));
    expect(toStart).toBeLessThan(toFive / 2);
  });

  it('takes a single frame from a 5 s video and scales down to the requested width', async () => {
    const frames = await extractFrames(file('short.mp4'), file('frames-short'), { width: 160 });
    expect(frames).toHaveLength(1);
    expect(await sharp(frames[0]).metadata()).toMatchObject({ width: 160, height: 120 });
  });

  it('honours everySec and maxSec', async () => {
    const frames = await extractFrames(file('long.mp4'), file('frames-custom'), { everySec: 2, maxSec: 7 });
    expect(frames).toHaveLength(4); // 0, 2, 4, 6
  });

  it('replaces frames left over from an earlier run', async () => {
    const out = file('frames-reused');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'frame-0007.jpg'), 'stale');
    await writeFile(join(out, 'keep-me.txt'), 'not ours');
    const frames = await extractFrames(file('short.mp4'), out);
    expect(frames).toHaveLength(1);
    expect((await readdir(out)).sort()).toEqual(['frame-0001.jpg', 'keep-me.txt']);
  });

  it('reports a truncated video as CORRUPT_FILE', async () => {
    await expectTroveError(extractFrames(file('truncated.mp4'), file('frames-bad')), 'CORRUPT_FILE');
  });
});

describe('makeVideoPreview', () => {
  it('writes a ≤30 s H.264/AAC MP4 no taller than asked, with even dimensions', async () => {
    const out = file('preview.mp4');
    await makeVideoPreview(file('long.mp4'), out, { maxSec: 4, maxHeight: 121 });
    expect(existsSync(`${out}.tmp`)).toBe(false);
    const probe = await probeMedia(out);
    expect(probe).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', height: 120, width: 160 });
    expect(probe.durationSec).toBeLessThanOrEqual(4.1);
  });

  it('caps the preview at 30 s by default and keeps small videos at their size', async () => {
    const out = file('preview-default.mp4');
    await makeVideoPreview(file('long.mp4'), out);
    const probe = await probeMedia(out);
    expect(probe).toMatchObject({ videoCodec: 'h264', width: 320, height: 240 });
    expect(probe.durationSec).toBeLessThanOrEqual(30);
    expect(probe.durationSec).toBeGreaterThan(24);
  });

  it('handles a video without audio', async () => {
    const out = file('preview-silent.mp4');
    await makeVideoPreview(file('short.mp4'), out);
    expect(await probeMedia(out)).toMatchObject({ hasVideo: true, hasAudio: false, videoCodec: 'h264' });
  });

  it('stops ffmpeg when the signal fires and leaves no file behind', async () => {
    const out = file('preview-aborted.mp4');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expectTroveError(makeVideoPreview(file('long.mp4'), out, { signal: controller.signal }), 'PROCESSING_TIMEOUT');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });

  it('reports a truncated video as CORRUPT_FILE', async () => {
    await expectTroveError(makeVideoPreview(file('truncated.mp4'), file('preview-bad.mp4')), 'CORRUPT_FILE');
    expect(existsSync(file('preview-bad.mp4'))).toBe(false);
  });
});

/** Decodes every frame and sample of `path` (as a player would) and returns ffmpeg's complaints. */
async function decodeErrors(path: string): Promise<string> {
  const { stderr } = await runTool(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-i', path, '-f', 'null', '-']);
  return stderr.trim();
}

describe('extractFramesAndPreview (one ffmpeg run for both)', () => {
  it('writes the same frames as extractFrames (count, times, size) and a playable, streamable preview', async () => {
    const framesDir = file('both-frames');
    const preview = file('both-preview.mp4');
    const frames = await extractFramesAndPreview(file('long.mp4'), framesDir, preview);
    expect(frames).toEqual([1, 2, 3].map((n) => join(framesDir, `frame-000${n}.jpg`)));
    for (const frame of frames) expect(await sharp(frame).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    // Each still is the moment it stands for (t = 0, 10, 20 s): nearer that moment than 5 s off.
    expect(await imageDistance(frames[0]!, file('at-0s.png'))).toBeLessThan((await imageDistance(frames[0]!, file('at-5s.png'))) / 2);
    expect(await imageDistance(frames[1]!, file('at-10s.png'))).toBeLessThan((await imageDistance(frames[1]!, file('at-5s.png'))) / 2);
    expect(await imageDistance(frames[2]!, file('at-20s.png'))).toBeLessThan((await imageDistance(frames[2]!, file('at-10s.png'))) / 2);
    // Identical stills to the frames-only run, so the picture models see what they saw before.
    const alone = await extractFrames(file('long.mp4'), file('both-frames-alone'));
    expect(alone).toHaveLength(frames.length);
    for (let i = 0; i < frames.length; i++) expect(await imageDistance(frames[i]!, alone[i]!)).toBeLessThan(1);

    expect(existsSync(`${preview}.tmp`)).toBe(false);
    const probe = await probeMedia(preview);
    expect(probe).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 240, channels: 2, hasVideo: true, hasAudio: true });
    expect(probe.durationSec).toBeGreaterThan(24);
    expect(probe.durationSec).toBeLessThanOrEqual(25.5);
    expect(await decodeErrors(preview)).toBe('');
    // +faststart: the index (moov) comes before the media data, so a browser starts playing before the end arrives.
    const bytes = await readFile(preview);
    expect(bytes.indexOf('moov')).toBeGreaterThan(0);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
  });

  it('honours each output\'s own limits: interval, frame width, preview length and height', async () => {
    const frames = await extractFramesAndPreview(file('long.mp4'), file('both-custom'), file('both-custom.mp4'), {
      everySec: 2, framesMaxSec: 7, frameWidth: 160, previewMaxSec: 4, previewMaxHeight: 121,
    });
    expect(frames).toHaveLength(4); // 0, 2, 4, 6
    expect(await sharp(frames[3]).metadata()).toMatchObject({ width: 160, height: 120 });
    const probe = await probeMedia(file('both-custom.mp4'));
    expect(probe).toMatchObject({ width: 160, height: 120 });
    expect(probe.durationSec).toBeLessThanOrEqual(4.1);
    expect(probe.durationSec).toBeGreaterThan(3.5);
  });

  it('decodes as far as the longer output needs: a preview longer than the frames window', async () => {
    const frames = await extractFramesAndPreview(file('long.mp4'), file('both-long-preview'), file('both-long-preview.mp4'), {
      framesMaxSec: 5, previewMaxSec: 12,
    });
    expect(frames).toHaveLength(1);
    const probe = await probeMedia(file('both-long-preview.mp4'));
    expect(probe.durationSec).toBeGreaterThan(11.5);
    expect(probe.durationSec).toBeLessThanOrEqual(12.1);
  });

  it('handles a video without audio', async () => {
    const frames = await extractFramesAndPreview(file('short.mp4'), file('both-silent'), file('both-silent.mp4'));
    expect(frames).toHaveLength(1);
    expect(await probeMedia(file('both-silent.mp4'))).toMatchObject({ hasVideo: true, hasAudio: false, videoCodec: 'h264' });
    expect(await decodeErrors(file('both-silent.mp4'))).toBe('');
  });

  it('reports a truncated video as CORRUPT_FILE and leaves no preview', async () => {
    const out = file('both-bad.mp4');
    const err = await expectTroveError(extractFramesAndPreview(file('truncated.mp4'), file('both-bad'), out), 'CORRUPT_FILE');
    expect((err.details as { output?: string } | undefined)?.output).toBeUndefined();
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });

  it('a preview that cannot be written is our failure, named: PROCESSING_FAILED with output "preview"', async () => {
    const out = file('both-blocked.mp4');
    // ffmpeg cannot open its output when a directory stands where the preview's temporary file goes.
    await mkdir(`${out}.tmp`, { recursive: true });
    const err = await expectTroveError(extractFramesAndPreview(file('long.mp4'), file('both-blocked'), out), 'PROCESSING_FAILED');
    expect(err.message).toMatch(/preview/);
    expect(err.details).toMatchObject({ output: 'preview', tool: expect.stringMatching(/ffmpeg/) as unknown });
    expect(existsSync(out)).toBe(false);
  });

  it('a full disk under the preview is INSUFFICIENT_STORAGE with output "preview"', async () => {
    const out = file('both-full.mp4');
    // /dev/full accepts the open and fails every write with ENOSPC, as a full disk does.
    await symlink('/dev/full', `${out}.tmp`);
    const err = await expectTroveError(extractFramesAndPreview(file('long.mp4'), file('both-full'), out), 'INSUFFICIENT_STORAGE');
    expect(err.details).toMatchObject({ output: 'preview' });
    expect(existsSync(out)).toBe(false);
  });

  it('frames ffmpeg cannot write are our failure, named: PROCESSING_FAILED with output "frames", and no preview is kept', async () => {
    const out = file('both-frames-blocked.mp4');
    // A folder in which no file can be created, even by root: /proc/self (as seen by ffmpeg, its own /proc entry).
    await symlink('/proc/self', file('both-frames-proc'));
    const err = await expectTroveError(extractFramesAndPreview(file('long.mp4'), file('both-frames-proc'), out), 'PROCESSING_FAILED');
    expect(err.message).toMatch(/frames/);
    expect(err.details).toMatchObject({ output: 'frames' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });

  it('a frames folder that cannot be made fails before ffmpeg runs, with a retryable PROCESSING_FAILED', async () => {
    await writeFile(file('both-frames-file'), 'a file where the frames folder should be');
    await expectTroveError(extractFramesAndPreview(file('long.mp4'), file('both-frames-file'), file('both-frames-file.mp4')), 'PROCESSING_FAILED');
    expect(existsSync(file('both-frames-file.mp4'))).toBe(false);
  });

  it('stops ffmpeg when the signal fires and leaves no preview behind', async () => {
    const out = file('both-aborted.mp4');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expectTroveError(extractFramesAndPreview(file('long.mp4'), file('both-aborted'), out, { signal: controller.signal }), 'PROCESSING_TIMEOUT');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });
});

describe('extractAudioTrack', () => {
  it('writes 16 kHz mono WAV', async () => {
    const out = file('speech.wav');
    expect(await extractAudioTrack(file('long.mp4'), out, { maxSec: 3 })).toBe(true);
    const probe = await probeMedia(out);
    expect(probe).toMatchObject({ hasAudio: true, hasVideo: false, audioCodec: 'pcm_s16le', sampleRate: 16000, channels: 1 });
    expect(probe.durationSec).toBeCloseTo(3, 1);
    // 3 s × 16 000 samples × 2 bytes, plus the header.
    expect((await stat(out)).size).toBeGreaterThanOrEqual(96_000);
  });

  it('returns false and writes nothing for a silent video', async () => {
    const out = file('silent.wav');
    expect(await extractAudioTrack(file('short.mp4'), out)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});
