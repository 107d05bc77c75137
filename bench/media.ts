/**
 * Media: the toolkit's thumbnail, frame and preview functions against the bare library/tool call a
 * developer would write for the same output. Runs alternate (toolkit, bare, toolkit, bare…) so
 * drift on a shared machine hits both sides alike; medians are compared.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { extractFrames, makeThumbnail, makeVideoPreview } from '../shared/node/media/index.ts';
import { ffmpeg, photoJpeg, videoFile } from './fixtures.ts';
import { log, median, round, slower, tempDir, timed, type BenchOptions, type Row, type SectionResult } from './lib.ts';

const GOAL = 1.2;

/** Alternating runs of two functions; returns both sets of times (ms). */
async function pair(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    ta.push((await timed(a)).ms);
    tb.push((await timed(b)).ms);
  }
  return [ta, tb];
}

function row(name: string, trove: number[], bare: number[], bareName: string, goal = true): Row {
  const value = median(trove);
  const base = median(bare);
  const ratio = slower(value, base);
  return {
    section: 'media', name, value: round(value), unit: 'ms', baseline: { name: bareName, value: round(base) },
    ratio: round(ratio, 2), goal: goal ? `≤ ${GOAL}×` : undefined, met: goal ? ratio <= GOAL : undefined,
  };
}

export async function mediaBench(opts: BenchOptions): Promise<SectionResult> {
  const { dir, remove } = await tempDir('media');
  try {
    const rows: Row[] = [];
    const photo = path.join(dir, 'photo.jpg');
    await fs.writeFile(photo, await photoJpeg(4000, 3000));
    const runs = opts.quick ? 3 : 10;
    log(`media: thumbnail of a 4000×3000 JPEG (${((await fs.stat(photo)).size / 1e6).toFixed(1)} MB), ${runs} runs each`);
    const [thumb, bareThumb] = await pair(runs,
      () => makeThumbnail(photo, path.join(dir, 'thumb-a.jpg')),
      () => sharp(photo).resize(300, 300).jpeg().toFile(path.join(dir, 'thumb-b.jpg')));
    rows.push(row('makeThumbnail, 4000×3000 JPEG → 300×300', thumb, bareThumb, 'sharp().resize(300,300).jpeg()'));

    const seconds = 30;
    const video = path.join(dir, 'clip.mp4');
    await videoFile(video, { seconds, width: 640, height: 360 });
    const vruns = opts.quick ? 1 : 3;
    log(`media: frames + preview of a ${seconds} s 640×360 H.264 clip, ${vruns} runs each`);
    const framesDir = path.join(dir, 'frames-a');
    const bareFramesDir = path.join(dir, 'frames-b');
    await fs.mkdir(bareFramesDir, { recursive: true });
    // Same output as extractFrames' defaults (one frame every 10 s of the first 60 s, ≤ 640 px wide).
    const bareFrames = () => ffmpeg(['-t', '60', '-i', video, '-vf', 'fps=1/10,scale=640:-2', '-q:v', '3', path.join(bareFramesDir, 'f-%04d.jpg')]);
    const [frames, bareF] = await pair(vruns, () => extractFrames(video, framesDir, { everySec: 10, maxSec: 60 }), bareFrames);
    const frameCount = (await fs.readdir(framesDir)).length;
    rows.push(row(`extractFrames (${frameCount} frames)`, frames, bareF, 'ffmpeg -vf fps=1/10,scale'));

    // Same output as makeVideoPreview: ≤ 30 s, ≤ 480 p, H.264 CRF 28 veryfast + AAC 96k, faststart.
    const barePreview = () => ffmpeg(['-t', '30', '-i', video, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', path.join(dir, 'preview-b.mp4')]);
    const [preview, bareP] = await pair(vruns, () => makeVideoPreview(video, path.join(dir, 'preview-a.mp4'), { maxSec: 30 }), barePreview);
    rows.push(row('makeVideoPreview (30 s → 360p H.264)', preview, bareP, 'ffmpeg -c:v libx264 -preset veryfast'));

    const both = frames.map((t, i) => t + preview[i]!);
    const bareBoth = bareF.map((t, i) => t + bareP[i]!);
    rows.push(row('extractFrames + makeVideoPreview', both, bareBoth, 'the two bare ffmpeg commands'));

    // Not a goal: what decoding the video once for both outputs would save.
    const onePass = () => ffmpeg(['-i', video,
      '-map', '0:v:0', '-t', '60', '-vf', 'fps=1/10,scale=640:-2', '-q:v', '3', path.join(bareFramesDir, 'g-%04d.jpg'),
      '-map', '0:v:0', '-map', '0:a:0?', '-t', '30', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', path.join(dir, 'preview-c.mp4')]);
    const [, single] = await pair(vruns, () => Promise.resolve(), onePass);
    rows.push({
      ...row('frames + preview in one ffmpeg run (possible saving)', single, bareBoth, 'the two bare ffmpeg commands', false),
      note: 'one decode for both outputs',
    });
    return { rows };
  } finally {
    await remove();
  }
}
