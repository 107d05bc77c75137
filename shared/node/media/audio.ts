import type { IAudioMetadata } from 'music-metadata';
import { TroveError } from '../../api/errors.ts';
import { ffmpegInput, ffmpegToFile, type ToolFailure } from './tools.ts';
import { probeMedia, type MediaProbe } from './video.ts';

export interface AudioTags {
  title?: string;
  artist?: string;
  album?: string;
  genre?: string[];
  year?: number;
  /** The recording's date as tagged (ID3 TDRC, Vorbis DATE…): "2019", "2019-05-04"… */
  date?: string;
  comment?: string[];
  track?: number;
}

export interface AudioInfo {
  durationSec?: number;
  bitrate?: number;
  sampleRate?: number;
  channels?: number;
  codec?: string;
  tags: AudioTags;
}

const WAVEFORM_COLOUR = '0x4F7CFF';

function unreadableAudio(cause?: unknown): TroveError {
  return new TroveError(
    'CORRUPT_FILE',
    "This audio file couldn't be read; it may be damaged or incomplete (for example, an upload that was cut off). Try exporting it again.",
    undefined,
    { cause },
  );
}

/**
 * Tags and format from music-metadata; ffprobe fills in what it cannot determine (some containers lack a
 * duration header) and is the judge when music-metadata finds no audio at all — it guesses from the file
 * name, so garbage named .mp3 comes back as an empty "MPEG" result rather than an error.
 */
export async function readAudioInfo(path: string, opts: { signal?: AbortSignal } = {}): Promise<AudioInfo> {
  // music-metadata (~40 modules) loads with the first recording, not at every server start.
  const { parseFile } = await import('music-metadata');
  let meta: IAudioMetadata | undefined;
  let metaError: unknown;
  try {
    meta = await parseFile(path, { skipCovers: true });
  } catch (err) {
    metaError = err;
  }
  const format = meta?.format;
  const understood = Boolean(format && (format.codec || format.sampleRate || format.duration));

  let probe: MediaProbe | undefined;
  if (!understood || format?.duration === undefined) {
    try {
      probe = await probeMedia(path, { signal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      // Only a missing duration is at stake when music-metadata understood the file; that is not worth failing over.
      if (!understood) throw err instanceof TroveError && err.code !== 'CORRUPT_FILE' ? err : unreadableAudio(metaError ?? err);
    }
    if (!understood && !probe?.hasAudio) throw unreadableAudio(metaError);
  }

  const info: AudioInfo = { tags: meta ? tagsOf(meta) : {} };
  const durationSec = format?.duration ?? probe?.durationSec;
  if (durationSec !== undefined && durationSec > 0) info.durationSec = durationSec;
  const bitrate = format?.bitrate ?? probe?.bitRate;
  if (bitrate) info.bitrate = Math.round(bitrate);
  const sampleRate = (understood ? format?.sampleRate : undefined) ?? probe?.sampleRate;
  if (sampleRate) info.sampleRate = sampleRate;
  const channels = (understood ? format?.numberOfChannels : undefined) ?? probe?.channels;
  if (channels) info.channels = channels;
  const codec = (understood ? format?.codec : undefined) ?? probe?.audioCodec;
  if (codec) info.codec = codec;
  return info;
}

function tagsOf(meta: IAudioMetadata): AudioTags {
  const c = meta.common;
  const tags: AudioTags = {};
  if (c.title) tags.title = c.title;
  if (c.artist) tags.artist = c.artist;
  if (c.album) tags.album = c.album;
  if (c.genre?.length) tags.genre = c.genre;
  if (c.year) tags.year = c.year;
  if (c.date) tags.date = c.date;
  const comments = (c.comment ?? []).map((entry) => entry.text?.trim()).filter((text): text is string => Boolean(text));
  if (comments.length) tags.comment = comments;
  if (c.track.no) tags.track = c.track.no;
  return tags;
}

/** A PNG of the whole recording's waveform on a transparent background. */
export async function makeWaveform(
  path: string,
  outPath: string,
  opts: { width?: number; height?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const width = Math.round(opts.width ?? 600);
  const height = Math.round(opts.height ?? 300);
  // sqrt scaling keeps quiet speech visible next to loud music; mono gives one clean shape.
  const filter = `[0:a:0]aformat=channel_layouts=mono,showwavespic=s=${width}x${height}:colors=${WAVEFORM_COLOUR}:scale=sqrt`;
  await ffmpegToFile(
    // -update 1: a single image, so a '%' in the path is not taken for a frame-number pattern.
    ['-i', ffmpegInput(path), '-filter_complex', filter, '-frames:v', '1', '-update', '1', '-f', 'image2', '-c:v', 'png'],
    outPath, { signal: opts.signal, onFailure: (failure: ToolFailure) => new TroveError('CORRUPT_FILE', unreadableAudio().message, failure) },
  );
}
