// What of a file a cloud model is sent, following the design: pictures inline; a short video whole
// through the Files API, a longer one as sampled frames plus its sound track; audio through the
// Files API; documents as text, with only a few page pictures when the text came from OCR.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AnalysisInput } from '../types.ts';
import { audioMimeType } from './media.ts';

export interface MediaPlan {
  /** Pictures to send inline as downscaled JPEGs: the image, a video's frames, a scan's first pages. */
  pictures: string[];
  /** The original video, sent whole (pictures and sound) through the Files API. */
  wholeVideo?: { path: string; mimeType: string };
  /** A recording sent through the Files API: an audio file, or a long video's sound track. */
  recording?: { path: string; mimeType: string };
  /** Scanned pages the file has, when only the first few go as pictures. */
  scannedPages?: number;
}

export interface MediaPlanOptions {
  /** GEMINI_WHOLE_VIDEO_MAX_SIZE; undefined when the provider takes no video files (OpenAI chat). */
  wholeVideoMaxBytes: number | undefined;
  /**
   * Longest video sent whole. Size alone does not bound the cost: Gemini bills ~300 tokens per second
   * of video, so a long clip at a low bit rate would fit under the size and still cost a hundred times
   * its frames. Default 300 s.
   */
  wholeVideoMaxSeconds?: number | undefined;
  /** Whether the provider takes recordings (Gemini's Files API) or only pictures and text. */
  takesRecordings: boolean;
  /** Page pictures of a scanned document; its OCR text goes as text anyway. */
  maxScanPages: number;
}

/**
 * Video types Gemini accepts, keyed by the type a browser or the sniffer may give; anything else
 * (Matroska, MPEG-TS…) goes as frames plus sound track, which every type can.
 */
const GEMINI_VIDEO_TYPES: Record<string, string> = {
  'video/mp4': 'video/mp4', 'video/mpeg': 'video/mpeg', 'video/mpg': 'video/mpg', 'video/quicktime': 'video/mov', 'video/mov': 'video/mov',
  'video/x-msvideo': 'video/avi', 'video/avi': 'video/avi', 'video/x-flv': 'video/x-flv', 'video/webm': 'video/webm',
  'video/x-ms-wmv': 'video/wmv', 'video/wmv': 'video/wmv', 'video/3gpp': 'video/3gpp',
};
const VIDEO_EXTENSIONS: Record<string, string> = {
  '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.mov': 'video/mov', '.mpeg': 'video/mpeg', '.mpg': 'video/mpg', '.avi': 'video/avi',
  '.flv': 'video/x-flv', '.webm': 'video/webm', '.wmv': 'video/wmv', '.3gp': 'video/3gpp',
};

/** The video MIME type to declare on upload, or undefined when Gemini would not take the container. */
export function geminiVideoType(mimeType: string, filename: string): string | undefined {
  return GEMINI_VIDEO_TYPES[mimeType.toLowerCase().split(';')[0]!.trim()] ?? VIDEO_EXTENSIONS[path.extname(filename).toLowerCase()];
}

export async function planMedia(input: AnalysisInput, opts: MediaPlanOptions): Promise<MediaPlan> {
  const pictures = (input.imagePaths ?? []).filter((p) => typeof p === 'string' && p !== '');
  switch (input.fileType) {
    case 'image':
      return { pictures };
    case 'video': {
      const whole = await wholeVideo(input, opts.wholeVideoMaxBytes, opts.wholeVideoMaxSeconds ?? 300);
      if (whole) return { pictures: [], wholeVideo: whole };
      const track = opts.takesRecordings && input.audioPath ? { path: input.audioPath, mimeType: audioMimeType(input.audioPath, input.mimeType) } : undefined;
      return { pictures, ...(track ? { recording: track } : {}) };
    }
    case 'audio': {
      const file = input.audioPath ?? input.sourcePath;
      return { pictures: [], ...(opts.takesRecordings && file ? { recording: { path: file, mimeType: audioMimeType(file, input.mimeType) } } : {}) };
    }
    case 'document':
      // A text layer says everything the pages do at a fraction of the tokens of page pictures. A scan's
      // text comes from OCR, which misreads; a few pages let the model see the layout and fix obvious errors.
      if (input.metadata.scanned !== true || pictures.length === 0) return { pictures: [] };
      return { pictures: pictures.slice(0, opts.maxScanPages), ...(pictures.length > opts.maxScanPages ? { scannedPages: pictures.length } : {}) };
    default:
      return { pictures: [] };
  }
}

/** The original goes whole when it is small and short enough, in a container Gemini reads, and still on disk. */
async function wholeVideo(input: AnalysisInput, maxBytes: number | undefined, maxSeconds: number): Promise<MediaPlan['wholeVideo']> {
  if (maxBytes === undefined || !input.sourcePath) return undefined;
  const duration = input.metadata.durationSec;
  if (typeof duration === 'number' && duration > maxSeconds) return undefined;
  const mimeType = geminiVideoType(input.mimeType, input.filename);
  if (!mimeType) return undefined;
  let size = input.sizeBytes;
  if (typeof size !== 'number') {
    try {
      size = (await fs.stat(input.sourcePath)).size;
    } catch {
      return undefined;
    }
  }
  return size > 0 && size <= maxBytes ? { path: input.sourcePath, mimeType } : undefined;
}
