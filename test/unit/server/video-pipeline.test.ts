/**
 * The video pipeline on real ffmpeg: one run writes the frames the picture models see and the
 * preview the player streams, and the steps after it (thumbnail, perceptual hash, sound track) use
 * them. A preview that cannot be written fails the file with a named, retryable error.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveError } from '../../../shared/api/errors.ts';
import { probeMedia } from '../../../shared/node/media/video.ts';
import { runPipeline } from '../../../server/pipelines/pipeline.ts';
import { videoPipeline } from '../../../server/pipelines/video.ts';
import { makeTestVideo } from '../media/fixtures.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trove-video-pipeline-'));
  await makeTestVideo(join(dir, 'clip.mp4'), 25);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(workName: string) {
  const workDir = join(dir, workName);
  await mkdir(workDir, { recursive: true });
  const stages: string[] = [];
  const out = await runPipeline(videoPipeline, {
    fileType: 'video', mimeType: 'video/mp4', filename: 'clip.mp4', sourcePath: join(dir, 'clip.mp4'), workDir,
    signal: new AbortController().signal, maxImagePixels: 1e8,
  }, (stage) => stages.push(stage));
  return { out, stages, workDir };
}

describe('video pipeline', () => {
  it('frames (one per 10 s, with their times), preview, thumbnail, hash and sound from one decode for frames and preview', async () => {
    const { out, stages, workDir } = await run('ok');
    expect(stages).toEqual(['probing video', 'extracting frames and preview', 'extracting sound', 'analysed media']);
    expect(out.imagePaths).toHaveLength(3);
    expect(out.frameTimes).toEqual([0, 10, 20]);
    for (const frame of out.imagePaths!) expect(await sharp(frame).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(out.preview).toEqual({ localPath: join(workDir, 'preview.mp4'), name: 'preview.mp4', contentType: 'video/mp4' });
    const preview = await probeMedia(out.preview!.localPath);
    expect(preview).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 240 });
    expect(preview.durationSec).toBeGreaterThan(24);
    expect(out.thumbnail?.name).toBe('thumbnail.jpg');
    expect(existsSync(out.thumbnail!.localPath)).toBe(true);
    expect(out.metadata).toMatchObject({ hasVideo: true, hasAudio: true, width: 320, height: 240 });
    expect(typeof out.metadata.phash).toBe('string');
    expect(out.audioPath).toBe(join(workDir, 'audio.wav'));
  });

  it('a preview that cannot be written fails the file with PROCESSING_FAILED (retryable), naming the preview', async () => {
    const workDir = join(dir, 'blocked');
    await mkdir(join(workDir, 'preview.mp4.tmp'), { recursive: true });
    const err = await run('blocked').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TroveError);
    expect((err as TroveError).code).toBe('PROCESSING_FAILED');
    expect((err as TroveError).details).toMatchObject({ output: 'preview' });
    expect((err as TroveError).message).toMatch(/preview/);
  });
});
