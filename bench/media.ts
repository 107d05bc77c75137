/**
 * Media: the toolkit's thumbnail, frame and preview functions against the bare library/tool call a
 * developer would write for the same output. Runs alternate (toolkit, bare, toolkit, bare…) so
 * drift on a shared machine hits both sides alike; medians are compared.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { extractFrames, extractFramesAndPreview, makeThumbnail, makeVideoPreview } from '../shared/node/media/index.ts';
import { ffmpeg, photoJpeg, videoFile } from './fixtures.ts';
import { log, median, round, slower, tempDir, timed, type BenchOptions, type Row, type SectionResult } from './lib.ts';

const GOAL = 1.2;
/** Issue 12: frames + preview in one run against the two bare commands. */
const COMBINED_GOAL = 1.1;

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

function row(name: string, trove: number[], bare: number[], bareName: string, goal = true, limit = GOAL): Row {
  const value = median(trove);
  const base = median(bare);
  const ratio = slower(value, base);
  return {
    section: 'media', name, value: round(value), unit: 'ms', baseline: { name: bareName, value: round(base) },
    ratio: round(ratio, 2), goal: goal ? `≤ ${limit}×` : undefined, met: goal ? ratio <= limit : undefined,
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
    const vruns = opts.quick ? 1 : 5;
    log(`media: frames + preview of a ${seconds} s 640×360 H.264 clip, ${vruns} runs each`);
    const framesDir = path.join(dir, 'frames-a');
    const bareFramesDir = path.join(dir, 'frames-b');
    await fs.mkdir(bareFramesDir, { recursive: true });
    // Same output as extractFrames' defaults (one frame every 10 s of the first 60 s, ≤ 640 px wide).
    const bareFrames = () => ffmpeg(['-t', '60', '-i', video, '-vf', 'fps=1/10,scale=640:-2', '-q:v', '3', path.join(bareFramesDir, 'f-%04d.jpg')]);
    const [frames, bareF] = await pair(vruns, () => extractFrames(video, framesDir, { everySec: 10, maxSec: 60 }), bareFrames);
    const frameCount = (await fs.readdir(framesDir)).length;
    rows.push(row(`extractFrames (${frameCount} frames)`, frames, bareF, 'ffmpeg -vf fps=1/10,scale'));

    // Same output as makeVideoPreview (≤ 30 s, ≤ 480 p: this clip stays 360 p, H.264 CRF 28 veryfast + AAC 96k stereo,
    // faststart): the same filter and codecs, so the ratio is what the toolkit adds, not a difference in work.
    const previewArgs = ['-map', '0:v:0', '-map', '0:a:0?', '-vf', "scale=-2:'2*trunc(min(480,ih)/2)'",
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-movflags', '+faststart'];
    const barePreview = () => ffmpeg(['-t', '30', '-i', video, ...previewArgs, path.join(dir, 'preview-b.mp4')]);
    const [preview, bareP] = await pair(vruns, () => makeVideoPreview(video, path.join(dir, 'preview-a.mp4'), { maxSec: 30 }), barePreview);
    rows.push(row('makeVideoPreview (30 s → 360p H.264)', preview, bareP, 'ffmpeg, same scale and codecs'));

    const bareBoth = bareF.map((t, i) => t + bareP[i]!);
    rows.push({
      ...row('extractFrames + makeVideoPreview (two runs, before)', frames.map((t, i) => t + preview[i]!), bareBoth, 'the two bare ffmpeg commands', false),
      note: 'what the video pipeline did before it decoded once',
    });

    // What the video pipeline runs now: one ffmpeg run, one decode, both outputs.
    const oneRunDir = path.join(dir, 'frames-one');
    const [combined, bareTwo] = await pair(vruns,
      () => extractFramesAndPreview(video, oneRunDir, path.join(dir, 'preview-one.mp4'), { everySec: 10, framesMaxSec: 60, previewMaxSec: 30 }),
      async () => {
        await bareFrames();
        await barePreview();
      });
    const combinedFrames = (await fs.readdir(oneRunDir)).length;
    rows.push({
      ...row(`video preview vs bare ffmpeg: extractFramesAndPreview (${combinedFrames} frames + 30 s preview, one run)`, combined, bareTwo,
        'the two bare ffmpeg commands', true, COMBINED_GOAL),
      note: 'the video pipeline\'s one decode for frames and preview',
    });

    // Not a goal: the same one-run command written by hand, so the toolkit's own cost shows apart from the saving.
    const onePass = () => ffmpeg(['-t', '60', '-i', video, '-vsync', 'vfr',
      '-map', '0:v:0', '-an', '-t', '60', '-vf', "select='isnan(prev_selected_t)+gte(t-prev_selected_t,10)',scale='min(640,iw)':-2", '-q:v', '3',
      path.join(bareFramesDir, 'g-%04d.jpg'),
      '-t', '30', ...previewArgs, path.join(dir, 'preview-c.mp4')]);
    const [combinedAgain, single] = await pair(vruns,
      () => extractFramesAndPreview(video, oneRunDir, path.join(dir, 'preview-one.mp4'), { everySec: 10, framesMaxSec: 60, previewMaxSec: 30 }),
      onePass);
    rows.push({
      ...row('extractFramesAndPreview vs the same one-run ffmpeg command', combinedAgain, single, 'bare ffmpeg, one run, same outputs', false),
      note: 'toolkit overhead alone (spawn, atomic rename, frame listing)',
    });
    return { rows };
  } finally {
    await remove();
  }
}
