import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TroveError } from '../../api/errors.ts';
import { writeAtomically } from './atomic.ts';
import { fileSystemError } from './failures.ts';
import { FFMPEG_QUIET, ffmpegInput, ffmpegPath, ffmpegToFile, ffprobePath, runTool, type ToolFailure } from './tools.ts';

export interface MediaProbe {
  formatName: string;
  durationSec: number;
  bitRate?: number;
  hasVideo: boolean;
  hasAudio: boolean;
  /** Display size: already swapped when the video is rotated by 90° or 270°. */
  width?: number;
  height?: number;
  videoCodec?: string;
  audioCodec?: string;
  frameRate?: number;
  /** Clockwise degrees (0, 90, 180, 270) a player turns the picture to show it upright. */
  rotation?: number;
  sampleRate?: number;
  channels?: number;
  tags: Record<string, string>;
}

export interface ToolRunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
  tags?: Record<string, unknown>;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; bit_rate?: string; tags?: Record<string, unknown> };
}

function unreadableMedia(failure: ToolFailure): TroveError {
  return new TroveError(
    'CORRUPT_FILE',
    "This video or audio file couldn't be read; it may be damaged or incomplete (for example, an upload that was cut off). Try exporting it again.",
    failure,
  );
}

export async function probeMedia(path: string, opts: ToolRunOptions = {}): Promise<MediaProbe> {
  const { stdout } = await runTool(
    ffprobePath(),
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ffmpegInput(path)],
    { ...opts, onFailure: unreadableMedia },
  );
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(stdout) as FfprobeOutput;
  } catch (err) {
    throw new TroveError('PROCESSING_FAILED', 'The media tool returned output we could not understand. Try again later.', undefined, { cause: err });
  }
  return toMediaProbe(parsed);
}

function toMediaProbe(out: FfprobeOutput): MediaProbe {
  const streams = out.streams ?? [];
  // Cover art in MP3/M4A shows up as a one-frame "video" stream; it does not make the file a video.
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!video && !audio) {
    throw new TroveError('CORRUPT_FILE', "This file contains no video or audio that Trove can play. It may be damaged, or it may use a format we don't support.", {
      streams: streams.map((s) => s.codec_type),
    });
  }
  const streamDurations = streams.map((s) => toNumber(s.duration)).filter((d): d is number => d !== undefined);
  const probe: MediaProbe = {
    formatName: out.format?.format_name ?? 'unknown',
    durationSec: toNumber(out.format?.duration) ?? (streamDurations.length ? Math.max(...streamDurations) : 0),
    hasVideo: video !== undefined,
    hasAudio: audio !== undefined,
    tags: stringTags(out.format?.tags),
  };
  const bitRate = toNumber(out.format?.bit_rate);
  if (bitRate !== undefined) probe.bitRate = bitRate;
  if (video) {
    const rotation = rotationOf(video);
    const sideways = rotation === 90 || rotation === 270;
    if (video.width && video.height) {
      probe.width = sideways ? video.height : video.width;
      probe.height = sideways ? video.width : video.height;
    }
    if (video.codec_name) probe.videoCodec = video.codec_name;
    const frameRate = parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate);
    if (frameRate !== undefined) probe.frameRate = frameRate;
    if (rotation !== undefined) probe.rotation = rotation;
  }
  if (audio) {
    if (audio.codec_name) probe.audioCodec = audio.codec_name;
    const sampleRate = toNumber(audio.sample_rate);
    if (sampleRate !== undefined) probe.sampleRate = sampleRate;
    if (audio.channels) probe.channels = audio.channels;
  }
  return probe;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function parseRate(rate: string | undefined): number | undefined {
  const [num, den] = (rate ?? '').split('/').map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return undefined;
  return Math.round((num / den) * 1000) / 1000;
}

function rotationOf(stream: FfprobeStream): number | undefined {
  // Older muxers use the 'rotate' tag (clockwise); newer ffprobe reports the display matrix (counter-clockwise).
  const tag = toNumber(typeof stream.tags?.rotate === 'string' ? stream.tags.rotate : undefined);
  const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const clockwise = tag ?? (matrix === undefined ? undefined : -matrix);
  if (clockwise === undefined) return undefined;
  return (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
}

function stringTags(tags: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') out[key] = String(value);
  }
  return out;
}

const FRAME_NAME = /^frame-\d{4}\.jpg$/;

/**
 * JPEG stills, the first at t=0 then one every `everySec`, from a single ffmpeg run.
 * `select` rather than `fps`: the bundled ffmpeg's fps=1/N takes its first frame near t=N/2, not at t=0.
 */
export async function extractFrames(
  path: string,
  outDir: string,
  opts: { everySec?: number; maxSec?: number; width?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const everySec = opts.everySec ?? 10;
  const maxSec = opts.maxSec ?? 60;
  const width = Math.round(opts.width ?? 640);
  if (!(everySec > 0) || !(maxSec > 0) || !(width >= 2)) {
    throw new TroveError('VALIDATION_ERROR', 'Frame extraction needs a positive interval, duration and width.', { everySec, maxSec, width });
  }
  await prepareFramesDir(outDir);
  // A '%' in the directory name would be read as part of ffmpeg's numbering pattern.
  const pattern = join(resolve(outDir).replace(/%/g, '%%'), 'frame-%04d.jpg');
  await runTool(
    ffmpegPath(),
    [...FFMPEG_QUIET, '-t', String(maxSec), '-i', ffmpegInput(path), '-vsync', 'vfr', ...frameOutput(everySec, maxSec, width), pattern],
    { signal: opts.signal, onFailure: unreadableMedia },
  );
  return listFrames(outDir);
}

async function prepareFramesDir(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
    // Leftovers from an earlier, interrupted run would otherwise be returned as this video's frames.
    for (const name of await readdir(outDir)) {
      if (FRAME_NAME.test(name)) await rm(join(outDir, name), { force: true });
    }
  } catch (err) {
    throw fileSystemError(err, 'preparing video frames');
  }
}

/** The still-frame output's options (before its file name): `select` rather than `fps`, see extractFrames. */
function frameOutput(everySec: number, maxSec: number, width: number): string[] {
  const filter = `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${everySec})',scale='min(${width},iw)':-2`;
  return ['-map', '0:v:0', '-an', '-sn', '-dn', '-t', String(maxSec), '-vf', filter, '-q:v', '3'];
}

async function listFrames(outDir: string): Promise<string[]> {
  const frames = (await readdir(outDir).catch((err: unknown) => {
    throw fileSystemError(err, 'reading video frames');
  })).filter((name) => FRAME_NAME.test(name)).sort();
  if (frames.length === 0) {
    throw new TroveError('CORRUPT_FILE', 'No pictures could be read from this video; it may be damaged. Try exporting it again.');
  }
  return frames.map((name) => join(outDir, name));
}

/** A small H.264/AAC MP4 that every browser plays and can start before it has fully downloaded. */
export async function makeVideoPreview(
  path: string,
  outPath: string,
  opts: { maxSec?: number; maxHeight?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const maxSec = opts.maxSec ?? 30;
  const maxHeight = Math.round(opts.maxHeight ?? 480);
  await ffmpegToFile(['-t', String(maxSec), '-i', ffmpegInput(path), ...previewOutput(maxSec, maxHeight)], outPath, {
    signal: opts.signal, onFailure: unreadableMedia,
  });
}

/** The preview output's options (before its file name). */
function previewOutput(maxSec: number, maxHeight: number): string[] {
  // yuv420p needs even dimensions: -2 keeps the width even, the expression rounds the height down to even.
  const scale = `scale=-2:'2*trunc(min(${maxHeight},ih)/2)'`;
  return [
    '-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn', '-t', String(maxSec),
    '-vf', scale,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-ac', '2',
    // ffmpeg 4.x aborts on inputs whose audio starts late unless the muxing queue may grow.
    '-max_muxing_queue_size', '1024',
    '-movflags', '+faststart',
    '-f', 'mp4',
  ];
}

export interface FramesAndPreviewOptions {
  /** Frames: one every `everySec`, the first at t=0, from the first `framesMaxSec`, at most `frameWidth` px wide. */
  everySec?: number;
  framesMaxSec?: number;
  frameWidth?: number;
  /** Preview: the first `previewMaxSec`, at most `previewMaxHeight` px tall (as makeVideoPreview). */
  previewMaxSec?: number;
  previewMaxHeight?: number;
  signal?: AbortSignal;
}

/**
 * extractFrames and makeVideoPreview in ONE ffmpeg run: the video is decoded once and its frames
 * feed both outputs (about a quarter less work than the two runs; bench/media.ts measures it).
 * Same outputs as the two functions: JPEG stills in `framesDir` (returned in order) and the preview
 * written atomically to `previewPath`. A failure names the output it hit: the input's fault is
 * CORRUPT_FILE; an output that cannot be written is ours (PROCESSING_FAILED, or
 * INSUFFICIENT_STORAGE for a full disk) with `details.output` = 'frames' | 'preview'.
 */
export async function extractFramesAndPreview(
  path: string,
  framesDir: string,
  previewPath: string,
  opts: FramesAndPreviewOptions = {},
): Promise<string[]> {
  const everySec = opts.everySec ?? 10;
  const framesMaxSec = opts.framesMaxSec ?? 60;
  const width = Math.round(opts.frameWidth ?? 640);
  const previewMaxSec = opts.previewMaxSec ?? 30;
  const maxHeight = Math.round(opts.previewMaxHeight ?? 480);
  if (!(everySec > 0) || !(framesMaxSec > 0) || !(width >= 2) || !(previewMaxSec > 0) || !(maxHeight >= 2)) {
    throw new TroveError('VALIDATION_ERROR', 'Frames and preview need a positive interval, durations and sizes.', {
      everySec, framesMaxSec, width, previewMaxSec, maxHeight,
    });
  }
  await prepareFramesDir(framesDir);
  const framesAt = resolve(framesDir);
  const pattern = join(framesAt.replace(/%/g, '%%'), 'frame-%04d.jpg');
  let frames: string[] = [];
  await writeAtomically(previewPath, async (tmpPath) => {
    const previewAt = ffmpegInput(tmpPath);
    await runTool(ffmpegPath(), [
      ...FFMPEG_QUIET,
      // Decode only as far as the longer of the two outputs needs; each output stops at its own -t.
      '-t', String(Math.max(framesMaxSec, previewMaxSec)), '-i', ffmpegInput(path),
      // -vsync is global in ffmpeg 4.x: vfr keeps select's gaps out of the stills and passes the preview's timestamps through.
      '-vsync', 'vfr',
      ...frameOutput(everySec, framesMaxSec, width), pattern,
      ...previewOutput(previewMaxSec, maxHeight), previewAt,
    ], { signal: opts.signal, onFailure: (failure) => outputFailure(failure, { frames: framesAt, preview: previewAt }) });
    frames = await listFrames(framesDir);
  });
  return frames;
}

/** What the system says when a file cannot be created or written (as opposed to a stream that cannot be coded). */
const WRITE_FAILURE = /No space left on device|Disk quota exceeded|Input\/output error|Permission denied|Read-only file system|Is a directory|Not a directory/i;

/**
 * Which output a failed run could not write, from ffmpeg's stderr: it names the file it failed to
 * open, or the output's number in the command with the system's reason ("output file #1 …: No
 * space left on device"; frames are #0, the preview #1). Anything else — the input cannot be
 * decoded, or its streams cannot be encoded, which retrying will not change — is the file's.
 */
function outputFailure(failure: ToolFailure, outputs: { frames: string; preview: string }): TroveError {
  const names = (index: number, path: string) => failure.stderr.includes(path)
    || (WRITE_FAILURE.test(failure.stderr) && new RegExp(`output file #${index}\\b|output stream #?${index}:`).test(failure.stderr));
  const output = names(1, outputs.preview) ? 'preview' : names(0, outputs.frames) ? 'frames' : undefined;
  if (!output) return unreadableMedia(failure);
  const what = output === 'preview' ? "the video's preview" : "the video's still frames";
  if (/No space left on device|Disk quota exceeded/i.test(failure.stderr)) {
    return new TroveError('INSUFFICIENT_STORAGE', `The server ran out of disk space while writing ${what}. Try again later.`, { ...failure, output });
  }
  return new TroveError('PROCESSING_FAILED', `The server could not write ${what}; this is a problem on the server, not with your file. Try again later.`, { ...failure, output });
}

/** 16 kHz mono PCM WAV, the input speech recognisers expect. Resolves false when there is no audio. */
export async function extractAudioTrack(
  path: string,
  outPath: string,
  opts: { maxSec?: number; signal?: AbortSignal } = {},
): Promise<boolean> {
  const probe = await probeMedia(path, { signal: opts.signal });
  if (!probe.hasAudio) return false;
  const limit = opts.maxSec === undefined ? [] : ['-t', String(opts.maxSec)];
  await ffmpegToFile(
    [...limit, '-i', ffmpegInput(path), '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav'],
    outPath, { signal: opts.signal, onFailure: unreadableMedia },
  );
  return true;
}
